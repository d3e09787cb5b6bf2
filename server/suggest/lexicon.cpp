// The word lists are general vocabulary of workshops about change at work
// (new systems, new ways of working, reorganisations) in Dutch and English,
// not words of particular cards: they must carry over to workshops never seen.
#include "suggest/lexicon.hpp"

namespace brug::suggest {

namespace {

// Topics. A card can touch several; they become extra, weighted terms of its
// theme vector, so "bellen" and "gesprek" meet as #contact.
std::vector<lexicon_entry> const concept_entries = {
    {"#people-served",
     "klant, klanten, cliënt, client, inwoner, burger, patiënt, leerling, student, ouder, ouders, gebruiker, "
     "bezoeker, bewoner, deelnemer, familie, doelgroep, opdrachtgever, aanvrager, relatie",
     "customer, client, user, patient, student, pupil, citizen, resident, visitor, consumer, parent, family, "
     "member, buyer, account holder, end user"},
    {"#contact",
     "contact, persoonlijk, gesprek, praten, spreken, bellen, telefoon, langsgaan, bezoek, ontmoeten, fysiek, "
     "gezicht, face-to-face, menselijk, mens, mensen, luisteren, aandacht, band, praatje, aanspreken, "
     "terugbellen, bereikbaar, bereikbaarheid, loket, balie, binnenlopen",
     "contact, personal, person, talk, conversation, speak, call, phone, visit, meet, face, face-to-face, "
     "human, people, listen, attention, bond, relationship, touch, chat, reach, reachable, desk, walk in"},
    {"#team",
     "collega, collegialiteit, team, teamgeest, samen, samenwerken, samenwerking, elkaar, onderling, ploeg, "
     "hecht, sfeer, gezellig, steunen, helpen, inspringen, saamhorigheid, afdeling, wij-gevoel",
     "colleague, colleagues, team, teammate, together, each other, collaboration, collaborate, peers, crew, "
     "tight-knit, atmosphere, help each other, support each other, camaraderie, department, squad"},
    {"#knowledge",
     "kennis, ervaring, ervaren, expertise, vakmanschap, vakkennis, kennen, inzicht, gevoel, senior, oudere, "
     "vak, vakdocent, specialist, deskundig, intuïtie, leren van elkaar",
     "knowledge, experience, experienced, expertise, craft, skill, insight, know-how, senior, seniors, "
     "specialist, expert, intuition, edge case, learn from each other, knowledge base"},
    {"#training",
     "training, trainen, cursus, opleiding, scholing, leren, uitleg, uitleggen, handleiding, instructie, "
     "begeleiding, ondersteuning, helpdesk, vraagbaak, coach, aanspreekpunt, hulp, oefenen, studiedag, "
     "inwerken, digitaal vaardig, meekomen, bijbenen, uitproberen",
     "training, train, course, learn, learning, explain, explanation, manual, guide, instruction, coaching, "
     "coach, helpdesk, support, help, onboarding, practice, tutorial, documentation, walkthrough, keep up"},
    {"#time",
     "tijd, uur, uren, dag, dagen, week, weken, werkdruk, druk, overuren, drukte, stress, moe, uitgeput, "
     "opbranden, burn-out, zwaar, rust, ademhalen, bovenop, erbij, tempo, haast, opgebrand",
     "time, hour, hours, day, days, week, weeks, workload, pressure, busy, stress, tired, exhausted, burnout, "
     "burn out, overtime, heavy, calm, breathe, rest, on top of, pace, rush, crunch, sustainable"},
    {"#speed",
     "snel, sneller, snelheid, traag, trage, langzaam, wachten, wachttijd, vertraging, direct, meteen, "
     "opvolging, reactietijd, doorlooptijd, schakelen, vlot, liggen, achterstand",
     "fast, faster, quick, quickly, slow, wait, waiting, delay, immediately, instantly, speed, turnaround, "
     "lag, response time, lead time, backlog, queue, queues"},
    {"#tools",
     "systeem, app, applicatie, software, platform, pakket, tool, programma, dashboard, scherm, laptop, "
     "computer, digitaal, ict, it, wifi, camera, microfoon, apparaat, telefoon, techniek, algoritme, "
     "elo, crm, chatbot, bot, website, portaal",
     "system, app, application, software, platform, package, tool, program, dashboard, screen, laptop, "
     "computer, digital, it, wifi, camera, microphone, device, algorithm, bot, chatbot, website, portal, "
     "crm, vendor"},
    {"#overview",
     "overzicht, inzicht, cijfers, data, gegevens, informatie, één plek, zien, rapportage, transparant, "
     "zichtbaar, terugvinden, vinden, bijhouden, status, stand van zaken",
     "overview, insight, data, numbers, figures, information, one place, see, visibility, visible, report, "
     "reporting, transparent, find, track, status, single source"},
    {"#admin",
     "invoeren, invullen, velden, veld, formulier, registreren, registratie, administratie, overtikken, "
     "klikken, klik, papier, papieren, dossier, kopiëren, plakken, verplicht, typen, handmatig, dubbel",
     "enter, fill in, field, fields, form, register, registration, admin, paperwork, click, clicks, paper, "
     "copy, paste, mandatory, type, manual, manually, duplicate, data entry"},
    {"#repetition",
     "automatisch, automatiseren, herhalen, repetitief, steeds hetzelfde, standaard, routine, saai, "
     "dezelfde vragen, eenvoudige vragen, simpele vragen",
     "automatic, automate, automated, automation, repetitive, repeat, same questions, routine, boring, "
     "simple questions, easy questions, simple stuff"},
    {"#autonomy",
     "vertrouwen, autonomie, zelf, eigen, regie, bepalen, kiezen, keuze, vrijheid, ruimte, controle, "
     "gecontroleerd, invloed, verantwoordelijkheid, zeggenschap, volwassen, grip",
     "trust, autonomy, own, choose, choice, decide, freedom, control, controlled, micromanage, influence, "
     "responsibility, ownership, say in, grown-up"},
    {"#quality",
     "kwaliteit, veilig, veiligheid, zorgvuldig, fout, fouten, risico, testen, test, review, stabiel, "
     "stabiliteit, betrouwbaar, incident, storing, goed werk, nauwkeurig, controleren",
     "quality, safe, safety, careful, error, errors, mistake, bug, bugs, risk, test, tests, testing, review, "
     "reviews, stable, stability, reliable, reliability, incident, outage, accurate, check, rollback"},
    {"#schedule",
     "rooster, roosteren, dienst, diensten, planning, planner, plannen, weekend, weekenden, nacht, "
     "nachtdienst, avond, feestdagen, vakantie, vrije dag, werktijden, ruilen, werkuren, ploegendienst",
     "schedule, scheduling, roster, rota, shift, shifts, planning, planner, weekend, weekends, night, nights, "
     "evening, holiday, holidays, vacation, time off, day off, swap, working hours"},
    {"#rules",
     "eerlijk, oneerlijk, regels, regel, afspraken, afspraak, spelregels, duidelijk, duidelijkheid, helder, "
     "voorrang, gelijk, rechtvaardig, beleid, richtlijn, criteria, verwachtingen",
     "fair, unfair, fairness, rules, rule, agreement, agreements, clear, clarity, policy, priority, equal, "
     "guideline, guidelines, criteria, expectations, agreed, process"},
    {"#involvement",
     "betrekken, betrokken, inspraak, meedenken, meebeslissen, meepraten, gevraagd, vragen, communicatie, "
     "communiceren, informeren, mening, stem, gehoord, serieus genomen, draagvlak",
     "involve, involved, involvement, ask, asked, say, voice, communicate, communication, inform, consult, "
     "opinion, feedback, heard, listened to, buy-in, taken seriously"},
    {"#rollout",
     "invoering, invoeren, uitrol, uitrollen, implementatie, pilot, proef, proefperiode, stapsgewijs, "
     "deadline, live, starten, evalueren, overstap, overstappen, migratie, overzetten, testfase, in één keer",
     "rollout, roll out, implementation, pilot, trial, phased, deadline, go-live, go live, launch, switch, "
     "migration, migrate, evaluate, transition, big bang, ready, step by step"},
    {"#workplace",
     "plek, werkplek, bureau, kantoor, gebouw, ruimte, flexplek, flexwerken, locatie, lokaal, kamer, hoek, "
     "stoel, inrichting, faciliteiten, vergaderruimte, belhok, kast",
     "place, workplace, desk, office, building, room, space, seat, location, floor, chair, facilities, "
     "meeting room, workspace, hot desk, hot desking"},
    {"#remote",
     "thuis, thuiswerken, hybride, online, op afstand, reizen, file, reistijd, vergaderen, videobellen, "
     "teams, zoom, beeldbellen",
     "home, remote, hybrid, online, distance, commute, commuting, travel, meeting, meetings, video call, "
     "zoom, teams, work from home"},
    {"#job",
     "baan, banen, functie, werk, rol, taak, taken, beroep, afwisseling, gevarieerd, zekerheid, ontslag, "
     "reorganisatie, vakinhoud, zinvol, uitdaging, carrière",
     "job, jobs, role, task, tasks, work, career, variety, varied, security, layoff, layoffs, cutting, "
     "meaningful, challenge, position, headcount"},
    {"#life",
     "gezin, kinderen, kind, privé, mantelzorg, mantelzorger, gezondheid, balans, rekening houden, "
     "persoonlijke situatie, thuissituatie, zorg voor, ziek, slapen, combineren",
     "family, kids, children, child, private, personal life, health, balance, caregiver, wellbeing, "
     "well-being, sick, sleep, combine, life"},
    {"#structure",
     "structuur, ritme, vast, vaste, regelmaat, voorspelbaar, voorspelbaarheid, rust, routine, discipline, "
     "houvast, duidelijke regels",
     "structure, rhythm, fixed, regular, predictable, predictability, routine, discipline, stable routine"},
    {"#social",
     "koffie, lunch, borrel, gezellig, gezelligheid, praatje, informeel, wandeling, uitje, verhalen, "
     "koffieautomaat, kletsen",
     "coffee, lunch, drinks, banter, informal, social, walk, outing, stories, fun, small talk, water cooler"},
    {"#messages",
     "mail, mailen, mailtje, e-mail, bericht, berichten, kanaal, kanalen, appen, whatsapp, notificatie, "
     "reminder",
     "mail, email, e-mail, message, messages, channel, channels, notification, reminder, text, texting, slack"},
    {"#delivery",
     "release, versie, update, uitrollen, opleveren, oplevering, productie, code",
     "release, releases, deploy, deploys, deployment, ship, shipping, merge, merges, version, update, "
     "production, prod, code, pipeline, build, feature, branch"},
};

// Stance cues. Tags: fear, loss, keep, value, wish, problem, better, process,
// relation, tech, now, later, neg, new, old, self, effort.
std::vector<lexicon_entry> const cue_entries = {
    {"fear",
     "bang, angst, vrees, vrezen, zorgen maken, bezorgd, huiverig, benauwd, eng, ongerust, schrik, spannend",
     "afraid, scared, worried, worry, worries, fear, fears, nervous, anxious, concerned, dread, terrified"},
    {"loss",
     "verliezen, verlies, kwijt, kwijtraken, verdwijnen, verdwijnt, verloren, weg, vervallen, vervalt, "
     "wegbezuinigen, bezuinigen, opheffen, afschaffen, inleveren, missen, kapotmaken, versnipperen, "
     "ondergeschikt, loslaten, niet meer",
     "lose, losing, lost, loss, disappear, disappears, gone, miss, away, kill, cut, cuts, drop, abolish, "
     "erode, give up, sacrifice, gamble, no longer, anymore, replace, replaced, turns into"},
    {"keep",
     "blijven, behouden, houden, bewaren, vasthouden, koesteren, beschermen, handhaven, nog steeds, "
     "altijd, overeind",
     "keep, keeping, retain, preserve, protect, maintain, remain, stay, always, still, hold on"},
    {"value",
     "kracht, kwaliteit, verschil, trots, waardevol, waarde, fijn, mooi, hecht, sterk, bekend om, reputatie, "
     "hart, goud, uniek, kern, het moment, precies ons",
     "strength, proud, valuable, value, love, great, known for, reputation, heart, unique, core, the moment, "
     "what makes us, that's how"},
    {"wish",
     "wil, willen, hoop, hopen, graag, wens, liefst, eindelijk, zou, moet, mag, zou top zijn, fijn als",
     "want, wish, hope, would, should, please, finally, let, like to, would love, need"},
    {"problem",
     "probleem, problemen, drama, traag, trage, omslachtig, gedoe, zonde, rommel, frustrerend, ergerlijk, "
     "onbereikbaar, kapot, verouderd, achterhaald, ramp, nachtmerrie, knokken, oorlog, moeite, lastig, "
     "vastlopen, vastloopt, onduidelijk, smeken, overtikken, versnipperd, mis, kwijt, chaotisch, "
     "haak af, afhaken, niks, niemand weet",
     "problem, problems, drama, slow, cumbersome, waste, mess, frustrating, annoying, broken, outdated, "
     "nightmare, ridiculous, painful, insane, awful, hell, confusing, fail, fails, struggle, terrible, "
     "stuck, nobody knows, no idea, doesn't scale, exhausted, breaks"},
    {"better",
     "beter, sneller, slimmer, makkelijker, eenvoudiger, simpeler, automatisch, overzichtelijk, handiger, "
     "efficiënter, goede, minder, één plek, in plaats van, ipv",
     "better, faster, smarter, easier, simpler, automatic, automated, clearer, efficient, less, fewer, "
     "one place, instead of, good"},
    {"process",
     "training, leren, uitleg, begeleiding, ondersteuning, tijd om, proef, pilot, proefperiode, invoering, "
     "evalueren, betrekken, gevraagd, meebeslissen, duidelijke afspraken, afspraken, regels, eerlijk, "
     "communicatie, helpdesk, vraagbaak, coach, aanspreekpunt, eerst, voorbereiding, live gaat",
     "training, learn, explain, support, pilot, rollout, involve, asked, clear, agreements, rules, fair, "
     "communication, expectations, deadline, ready, go-live, onboarding, first, before we, time to"},
    {"relation",
     "mens, mensen, menselijk, persoonlijk, contact, samen, elkaar, team, collega, vertrouwen, band, "
     "aandacht, gezicht, gesprek",
     "human, person, people, personal, contact, together, each other, team, colleague, trust, relationship, "
     "touch, face, listens"},
    {"tech",
     "systeem, app, platform, algoritme, computer, scherm, bot, dashboard, digitaal, online, automatisch",
     "system, app, platform, algorithm, computer, screen, bot, chatbot, dashboard, digital, online, tool"},
    {"now",
     "nu, momenteel, tegenwoordig, op dit moment, vandaag, al jaren, nu al, huidige",
     "now, currently, right now, today, at the moment, for years, current, these days"},
    {"later",
     "straks, zometeen, binnenkort, voortaan, zodra",
     "soon, once, will, going to, when, then, later"},
    {"neg",
     "niet, geen, nooit, niemand, niks, niets, zonder",
     "not, no, never, nobody, nothing, without, dont, doesnt, didnt, cant, wont, isnt, arent, shouldnt, "
     "havent, hasnt, wasnt"},
    {"new", "nieuw, nieuwe", "new"},
    {"old", "oud, oude", "old"},
    {"self", "ik, mijn, me, mij", "i, my, me"},
    {"we", "we, wij, ons, onze", "we, us, our"},
    {"effort",
     "kost, kosten, uur, uren, klikken, handmatig, keer, elke keer, alles",
     "costs, hours, spend, clicks, manual, every time, each time"},
    {"question", "?", "?"},
};

} // namespace

lexicon::lexicon(std::vector<lexicon_entry> const& entries) {
    // Own-language entries first, so that they win on equal stems.
    for (lang const l : {lang::nl, lang::en}) {
        auto& map = by_lang_[static_cast<int>(l)];
        for (bool const own : {true, false}) {
            for (auto const& e : entries) {
                for (int side = 0; side < 2; ++side) {
                    bool const side_is_own = (side == 0) == (l == lang::nl);
                    if (side_is_own != own) continue;
                    std::string_view list = side == 0 ? e.nl : e.en;
                    std::size_t pos = 0;
                    while (pos <= list.size()) {
                        std::size_t const comma = list.find(',', pos);
                        std::string_view item =
                            list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
                        pos = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
                        std::vector<std::string> words = split_words(item);
                        if (item.find('?') != std::string_view::npos) words = {"?"};
                        if (words.empty()) continue;
                        if (words.size() == 1) words_.insert(fold_accents(words[0]));
                        std::vector<std::string> stems;
                        for (auto const& w : words) stems.push_back(w == "?" ? w : stem(w, l));
                        auto& phrases = map[stems[0]];
                        // A word of the other language only fills a gap.
                        if (!own && words.size() == 1) {
                            bool taken = false;
                            for (auto const& p : phrases) taken |= p.rest.empty();
                            if (taken) continue;
                        }
                        phrases.push_back({std::vector<std::string>(stems.begin() + 1, stems.end()), e.tag});
                    }
                }
            }
        }
    }
}

lexicon const& lexicon::concepts() {
    static lexicon const l(concept_entries);
    return l;
}

lexicon const& lexicon::cues() {
    static lexicon const l(cue_entries);
    return l;
}

std::vector<lexicon_match> lexicon::match(std::vector<std::string> const& stems, lang l) const {
    std::vector<lexicon_match> out;
    auto const& map = by_lang_[static_cast<int>(l)];
    for (std::size_t i = 0; i < stems.size(); ++i) {
        auto it = map.find(stems[i]);
        if (it == map.end()) continue;
        for (auto const& p : it->second) {
            if (i + 1 + p.rest.size() > stems.size()) continue;
            bool ok = true;
            for (std::size_t k = 0; k < p.rest.size() && ok; ++k) ok = stems[i + 1 + k] == p.rest[k];
            if (ok) out.push_back({i, 1 + p.rest.size(), p.tag});
        }
    }
    return out;
}

} // namespace brug::suggest
