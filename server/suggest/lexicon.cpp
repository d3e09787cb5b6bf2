// The word lists are general vocabulary of workshops about change at work
// (new systems, new ways of working, reorganisations) in Dutch and English,
// not words of particular cards: they must carry over to workshops never seen.
#include "suggest/lexicon.hpp"

namespace brug::suggest {

namespace {

// Topics. A card can touch several; they become extra, weighted terms of its
// theme vector, so "bellen" and "gesprek" meet as #contact. No entry opens
// with a function word ("each other", "in one place", "op kantoor"): a
// concept match never starts on one, as "we know how" is no know-how and
// "on top of that mess" no extra work.
std::vector<lexicon_entry> const concept_table = {
    // Sales "leads" in the Dutch list only: in English "lead" is as often
    // the verb ("leading the change") or a role ("team lead"). English
    // cards still read the Dutch entries as loan words where no English
    // phrase ("team lead", "lead time") covers the word.
    {"#people-served",
     "klant, klanten, cliënt, client, inwoner, burger, patiënt, leerling, student, ouders, "
     "gebruiker, "
     "bezoeker, bewoner, deelnemer, familie, doelgroep, opdrachtgever, aanvrager, relatie, pupil, "
     "huurder, huurders, reiziger, reizigers, passagier, abonnee, prospect, lead, leads, cursist, "
     "verwanten, mantelzorgers, achterban, publiek",
     "customer, client, user, patient, student, pupil, citizen, resident, visitor, consumer, "
     "parent, family, "
     "member, buyer, account holder, end user, guest, guests, tenant, tenants, passenger, "
     "passengers, traveller, subscriber, prospect, learner, learners, public, caller, "
     "callers"},
    {"#contact",
     "contact, persoonlijk, gesprek, praten, spreken, bellen, langsgaan, bezoek, ontmoeten, "
     "fysiek, "
     "gezicht, face-to-face, menselijk, luisteren, aandacht, band, praatje, aanspreken, "
     "terugbellen, persoonlijke aandacht, persoonlijk contact, oogcontact, "
     "telefoontje, aanspreekbaar, nabijheid, empathie, warm contact, klantcontact, huisbezoek",
     "contact, personal, person, talk, conversation, speak, call, visit, meet, face, face-to-face, "
     "human, listen, listens, attention, bond, relationship, touch, personal touch, eye "
     "contact, phone call, empathy, human touch, face time, home visit, rapport"},
    // A bare "telefoon"/"phone" is the device, in #equipment; the analysis
    // reads it as the line ("aan de telefoon", "on the phone") here.
    {"#access",
     "bereikbaar, bereikbaarheid, loket, balie, binnenlopen, telefonisch, telefoonlijn, "
     "openingstijden, langskomen, afspraak maken, wachtrij",
     "reachable, reach, phone line, walk in, opening hours, front desk, counter, "
     "helpline, hotline, queue"},
    {"#service",
     "service, dienstverlening, vriendelijk, klantvriendelijk, geholpen, tevreden, ontevreden, "
     "klacht, "
     "boos, gefrustreerd, behandelen, serviceniveau, klantbeleving",
     "service, friendly, satisfied, unhappy, complaint, complaints, angry, frustrated, treated, "
     "treat, "
     "customer experience, reputation"},
    {"#team",
     "collega, collegialiteit, team, teamgeest, samen, samenwerken, samenwerking, elkaar, "
     "onderling, ploeg, "
     "hecht, steunen, inspringen, saamhorigheid, helpen, teamwork, "
     "samenwerken, collega's, teamleden, hechte, gezamenlijk",
     "colleague, colleagues, team, teammate, together, collaboration, collaborate, "
     "peers, crew, "
     "tight-knit, help each other, support each other, camaraderie, squad, teamwork, cooperation, "
     "teammates, jointly"},
    {"#knowledge",
     "kennis, ervaring, ervaren, expertise, vakmanschap, vakkennis, kennen, inzicht, gevoel, "
     "senior, oudere, "
     "specialist, deskundig, intuïtie, leren van elkaar, geleerd, kent, kennisoverdracht, "
     "know-how, ervaringskennis, onderbuik, buikgevoel, fingerspitzengefühl, vakmensen, oude "
     "rotten",
     "knowledge, experience, experienced, expertise, craft, skill, insight, senior, "
     "seniors, "
     "specialist, expert, intuition, edge case, learn from each other, knowledge base, knowing, "
     "learned, gut feeling, gut, tacit knowledge, domain knowledge, judgement, judgment, veterans, "
     "old hands, tribal knowledge"},
    {"#newcomers",
     "nieuwe collega, nieuwe collega's, junior, inwerken, ingewerkt, meelopen, stagiair, "
     "starters, nieuwkomer, opvangen",
     "new hire, new hires, junior, juniors, newcomer, newcomers, onboarding, intern, "
     "mentoring, "
     "learning path"},
    {"#training",
     "training, trainen, cursus, opleiding, scholing, leren, uitleg, uitleggen, handleiding, "
     "instructie, "
     "begeleiding, ondersteuning, helpdesk, vraagbaak, coach, aanspreekpunt, oefenen, studiedag, "
     "digitaal vaardig, meekomen, bijbenen, uitproberen, hulp, workshop, e-learning, cursussen, "
     "bijscholing, omscholing, opleiden, instructievideo, filmpje, superuser, key user, "
     "ambassadeur, buddy, meekijken, voordoen, oefenomgeving",
     "training, train, course, learn, learning, explain, explanation, manual, guide, instruction, "
     "coaching, "
     "coach, helpdesk, support, onboarding, practice, tutorial, documentation, walkthrough, keep "
     "up, "
     "wiki, upskilling, reskilling, workshop, workshops, video, videos, buddy, champion, "
     "champions, super user, key user, hands-on, sandbox, show me"},
    {"#time", "tijd, tijd voor, tijd om, uren, bovenop",
     "time, time for, time to, hours, extra work"},
    {"#workload",
     "werkdruk, druk, overuren, drukte, stress, moe, uitgeput, opbranden, burn-out, zwaar, rust, "
     "ademhalen, haast, opgebrand, volhouden, gejaagd, overbelast, piek, pieken, uitval, verzuim, "
     "ziekteverzuim, overwerk, hollen, rennen, onderbezetting, personeelstekort",
     "workload, pressure, busy, stress, tired, exhausted, exhausting, burnout, burn out, burns "
     "out, overtime, "
     "heavy, calm, breathe, rush, crunch, sustainable, pace, overloaded, overworked, "
     "stretched, understaffed, sick leave, fatigue, strain, firefighting, paged"},
    {"#speed",
     "snel, sneller, snelheid, traag, trage, langzaam, wachten, wachttijd, vertraging, direct, "
     "meteen, "
     "opvolging, reactietijd, doorlooptijd, schakelen, vlot, liggen, achterstand, "
     "tempo, vlotter, wachtlijst, snelle, vertraagd, tijdig, maanden, reageren, reactie, "
     "doorlooptijden, opgepakt, zsm",
     "fast, faster, quick, quickly, slow, wait, waiting, delay, immediately, instantly, speed, "
     "turnaround, "
     "lag, response time, lead time, backlog, months, pace, delays, delayed, latency, sluggish, "
     "waitlist, responsive, promptly, respond, response, picked up, asap"},
    {"#tools",
     "systeem, app, applicatie, software, platform, pakket, tool, programma, dashboard, "
     "digitaal, ict, it, techniek, algoritme, elo, crm, chatbot, bot, website, portaal, computer, "
     "programma's, tooling, excel, spreadsheet, database, ai, robot, erp, epd, ecd, koppeling, "
     "koppelingen, interface",
     "system, app, application, software, platform, package, tool, program, dashboard, digital, "
     "algorithm, bot, chatbot, website, portal, crm, vendor, computer, tooling, excel, "
     "spreadsheet, database, ai, erp, integration, integrations, interface, ui"},
    {"#equipment",
     "laptop, scherm, schermen, stoel, dockingstation, camera, microfoon, headset, kabel, kabels, "
     "printer, "
     "printen, scannen, wifi, internet, apparatuur, telefoon, bureau",
     "laptop, screen, screens, monitor, chair, docking station, camera, microphone, headset, "
     "cable, cables, "
     "printer, printing, scanning, wifi, internet, equipment, hardware, device, phone"},
    {"#overview",
     "overzicht, inzicht, cijfers, data, gegevens, informatie, rapportage, transparant, "
     "zichtbaar, terugvinden, vinden, bijhouden, status, stand van zaken, oogopslag, "
     "dashboard, centraal, versnipperd, zoeken, actueel",
     "overview, insight, data, numbers, figures, information, visibility, visible, "
     "report, "
     "reporting, transparent, find, track, status, single source, glance, dashboard, central, "
     "centralised, scattered, search, lookup"},
    // No bare English "field(s)": as often the field of fieldwork ("field
    // office", "our partners in the field") as a field of a form.
    {"#admin",
     "invoeren, invullen, velden, veld, formulier, registreren, registratie, administratie, "
     "overtikken, "
     "klikken, klik, papier, papieren, dossier, kopiëren, plakken, verplicht, typen, handmatig, "
     "dubbel, bureaucratie, regeldruk, papierwerk, rompslomp, formulieren, administratief, "
     "verantwoording, verantwoorden, invoer, lijstjes, turven",
     "enter, fill in, form field, form fields, input fields, mandatory fields, required fields, "
     "form, register, registration, admin, paperwork, click, "
     "clicks, paper, "
     "copy, paste, copy-pasting, mandatory, type, manual, manually, duplicate, data entry, "
     "bureaucracy, red tape, forms, logging, spreadsheets, box ticking, data entry"},
    {"#repetition",
     "automatisch, automatiseren, herhalen, repetitief, standaard, routine, "
     "saai, "
     "eenvoudige vragen, simpele vragen, makkelijke vragen",
     "automatic, automate, automated, automation, repetitive, repeat, routine, "
     "boring, "
     "simple questions, easy questions"},
    {"#handover",
     "overdracht, overdragen, doorverbinden, doorzetten, overnemen, doorgeven, opnieuw vertellen, "
     "doorsturen, escaleren",
     "handover, hand over, handoff, pass on, escalate, escalation, escalations, transfer, pick up"},
    // "ruimte" only as latitude given: alone it is as often a room ("een stille ruimte").
    {"#autonomy",
     "autonomie, eigen, regie, bepalen, kiezen, keuze, vrijheid, ruimte krijgen, ruimte geven, "
     "ruimte laten, invloed, "
     "verantwoordelijkheid, zeggenschap, volwassen, grip, eigen manier, professionele ruimte, "
     "eigen inbreng, eigen invulling, zelfstandig, zelfsturing, zelfsturend, eigen oordeel",
     "autonomy, choose, choice, decide, freedom, influence, responsibility, ownership, "
     "grown-up, discretion, independence, independent, self-organising, self-organizing, "
     "latitude, empowered"},
    {"#trust",
     "vertrouwen, vertrouwd, gecontroleerd, controle, wantrouwen, serieus genomen, gewaardeerd, "
     "afrekenen, turven, micromanagement, gecontroleerd worden, bewaking, meekijken, wantrouwig, "
     "verantwoording afleggen",
     "trust, trusted, controlled, control, micromanage, distrust, taken seriously, valued, judged, "
     "micromanagement, surveillance, monitoring, watched, checked up on, breathing down"},
    {"#measurement",
     "gemeten, meting, cijfers, prestatie, prestaties, targets, kpi, ranglijst, tellen, score, "
     "productie, "
     "beoordeling, beoordelen, kpi's, productiecijfers, urenregistratie, tijdschrijven, uren "
     "schrijven, normtijd, normtijden, statistieken, afgerekend",
     "measure, measured, metrics, performance, targets, kpi, ranking, leaderboard, count, score, "
     "handle time, appraisal, rated, kpis, timesheet, timesheets, tracking, tracked, stats, "
     "statistics, quota, quotas"},
    {"#management",
     "leidinggevende, management, manager, directie, schoolleiding, baas, leiding, bestuur, "
     "teamleider",
     "management, manager, managers, boss, leadership, director, executives, head office, "
     "team lead, team leads, tech lead"},
    {"#quality",
     "kwaliteit, veilig, veiligheid, zorgvuldig, fout, fouten, risico, testen, test, review, "
     "stabiel, "
     "stabiliteit, betrouwbaar, incident, storing, nauwkeurig, controleren, correct, verkeerd, "
     "zorgvuldigheid, nauwkeurigheid, foutgevoelig, foutloos, precisie, grondig, vakkundig",
     "quality, safe, safety, careful, error, errors, mistake, bug, bugs, risk, test, tests, "
     "testing, review, "
     "reviews, stable, stability, reliable, reliability, incident, outage, accurate, check, "
     "rollback, "
     "correct, wrong, breaks, data loss, diligence, thorough, thoroughness, accuracy, precision, "
     "craftsmanship, regression, regressions"},
    {"#schedule",
     "rooster, roosteren, dienst, diensten, planning, planner, plannen, weekend, weekenden, nacht, "
     "nachtdienst, avond, feestdagen, vakantie, vrije dag, werktijden, ruilen, werkuren, "
     "ploegendienst",
     "schedule, scheduling, roster, rota, shift, shifts, planning, planner, weekend, weekends, "
     "night, nights, "
     "evening, holiday, holidays, vacation, time off, day off, swap, working hours"},
    {"#rules",
     "eerlijk, oneerlijk, regels, regel, afspraken, afspraak, spelregels, duidelijk, "
     "duidelijkheid, helder, "
     "voorrang, rechtvaardig, beleid, richtlijn, criteria, verwachtingen, protocol, "
     "procedure, werkafspraken, kaders, kader, gelijke behandeling, voorkeursbehandeling, "
     "willekeur",
     "fair, unfair, fairness, rules, rule, agreement, agreements, clear, clarity, policy, "
     "priority, equal, "
     "guideline, guidelines, criteria, expectations, agreed, process, strategy, procedure, "
     "protocol, framework, favouritism, favoritism, arbitrary, consistent"},
    {"#involvement",
     "betrekken, betrokken, inspraak, meedenken, meebeslissen, meepraten, gevraagd, communicatie, "
     "communiceren, informeren, mening, gehoord, serieus genomen, draagvlak, beslissingen, "
     "besluiten, participatie, input, opgelegd, top-down, bottom-up, meepraten, "
     "klankbordgroep, meedoen",
     "involve, involved, involvement, asked, voice, communicate, communication, inform, consult, "
     "opinion, feedback, heard, listened to, buy-in, taken seriously, decisions, decide, "
     "participation, input, top-down, bottom-up, imposed, sounding board, consulted"},
    {"#rollout",
     "invoering, uitrol, uitrollen, implementatie, pilot, proef, proefperiode, stapsgewijs, "
     "deadline, live, starten, evalueren, overstap, overstappen, migratie, overzetten, testfase, "
     "gefaseerd, stap voor stap, geleidelijk, proefdraaien, overgangsperiode, "
     "parallel, terugvaloptie, terugval, ingangsdatum",
     "rollout, roll out, implementation, pilot, trial, phased, deadline, launch, "
     "switch, "
     "migration, migrate, evaluate, transition, big bang, ready, step by step, first step, "
     "gradual, gradually, phase, phases, fallback, cutover, transition period, parallel run, pilot "
     "group"},
    // No bare "plek"/"place": any spot ("alles op één plek", "een rustige plek
    // om te leren", "in place"), not only a place to work.
    {"#workplace",
     "werkplek, kantoor, gebouw, ruimte, flexplek, flexplekken, flexwerken, locatie, lokaal, "
     "kamer, "
     "hoek, inrichting, faciliteiten, vergaderruimte, belhok, kast, clean desk",
     // "building" only in a phrase: it is as often the building of software.
     "workplace, desk, office, office building, room, space, seat, location, floor, "
     "facilities, meeting room, workspace, hot desk, hot desking, clean desk"},
    // No bare "thuis"/"home": as often the private life of "als het thuis
    // even niet gaat" or "kids who have no room at home" as remote work.
    {"#remote",
     "thuiswerken, thuiswerkt, thuiswerker, thuiswerkers, hybride, online, afstand, reizen, file, "
     "reistijd, vergaderen, "
     "videobellen, "
     "ms teams, zoom, beeldbellen, thuiswerkdag, kantoordag, kantoordagen, hybride "
     "werken, videocall, teams-vergadering, beeldscherm",
     "remote, home working, home office, hybrid, online, distance, commute, commuting, travel, "
     "meeting, meetings, video "
     "call, "
     "zoom, ms teams, work from home, wfh, remote work, office days, video calls, "
     "camera on"},
    // No bare "security": in IT cards it is information security; "job security" stays.
    // Nor a bare "zekerheid": as often certainty ("zekerheid dat mijn afspraak blijft").
    {"#job",
     "baan, banen, functie, rol, taak, taken, beroep, afwisseling, gevarieerd, ontslag, "
     "reorganisatie, vakinhoud, zinvol, uitdaging, carrière, werkzekerheid, vak, baanzekerheid, "
     "ontslagen, boventallig, overbodig, vervangen, banenverlies, functieverlies, werkgelegenheid",
     "job, jobs, role, task, tasks, career, variety, varied, layoff, layoffs, cutting, "
     "meaningful, challenge, position, headcount, job security, redundant, redundancy, replaced, "
     "obsolete, job loss, jobs at risk"},
    {"#life",
     "gezin, kinderen, kind, privé, mantelzorg, mantelzorger, gezondheid, balans, rekening houden, "
     "persoonlijke situatie, thuissituatie, zorg voor, ziek, slapen, combineren, studie, "
     "werk-privé, werk-privébalans, kinderopvang, oppas, herstel, vermoeid",
     "family, kids, children, child, private, personal life, health, balance, caregiver, "
     "wellbeing, "
     "well-being, sick, sleep, combine, life, study, work-life balance, childcare, school run, "
     "recovery, personal time"},
    {"#structure",
     "structuur, ritme, vast, vaste, regelmaat, voorspelbaar, voorspelbaarheid, rust, routine, "
     "discipline, "
     "houvast, duidelijke regels, orde",
     "structure, rhythm, fixed, regular, predictable, predictability, routine, discipline, stable "
     "routine, "
     "order"},
    {"#social",
     "koffie, lunch, borrel, gezellig, gezelligheid, praatje, informeel, wandeling, uitje, "
     "verhalen, "
     "koffieautomaat, kletsen, sfeer, teamuitje, verjaardag, taart, kerstborrel, "
     "vrijdagmiddagborrel, pauze, koffiepraat, kantine",
     // No "break": in cards it is as often what a release or a system does.
     "coffee, lunch, drinks, banter, informal, social, walk, outing, stories, fun, small talk, "
     "water cooler, "
     "atmosphere, birthday, birthdays, cake, team outing, chit-chat, hallway, coffee break, "
     "lunch break, canteen, pub"},
    {"#messages",
     "mail, mailen, mailtje, e-mail, bericht, berichten, kanaal, kanalen, appen, whatsapp, "
     "notificatie, "
     "reminder",
     "mail, email, e-mail, message, messages, channel, channels, notification, reminder, texting, "
     "slack"},
    {"#delivery", "release, versie, update, opleveren, oplevering, productie, code",
     "release, releases, deploy, deploys, deployment, ship, shipping, merge, merges, version, "
     "update, "
     "production, prod, code, pipeline, build, feature, branch"},
};

// Stance cues. Tags: fear, loss, keep, value, wish, problem, better, process,
// relation, tech, cond, now, later, neg, plain, able, new, old, self, we, effort.
std::vector<lexicon_entry> const cue_entries = {
    {"fear",
     "bang, angst, vrees, vrezen, zorgen maken, bezorgd, huiverig, benauwd, eng, ongerust, schrik, "
     "spannend, zenuwachtig",
     "afraid, scared, worried, worry, worries, fear, fears, nervous, anxious, concerned, dread, "
     "terrified"},
    {"loss",
     "verliezen, verlies, kwijt, kwijtraken, verdwijnen, verdwijnt, verloren, weg, vervallen, "
     "vervalt, "
     "wegbezuinigen, bezuinigen, opheffen, afschaffen, inleveren, missen, kapotmaken, "
     "versnipperen, "
     "ondergeschikt, loslaten, niet meer, geen tijd meer, afraffelen, overhaast, haastwerk, "
     "slordig, uithollen, "
     "afkalven, verwateren, inboeten, achteruitgaan, nooit meer, niks meer, niets meer, niemand "
     "meer, ten koste van, nergens meer, vervangen, vervangt, overslaan, opofferen, "
     "niet hetzelfde, niet meer hetzelfde",
     "lose, losing, lost, loss, disappear, disappears, gone, miss, away, kill, cut, cuts, drop, "
     "abolish, "
     "erode, give up, sacrifice, gamble, no longer, anymore, replace, replaced, turns into, skip, "
     "skipping, "
     "rush, rushed, cut corners, water down, watered down, sloppy, slip, decline, wear down, no "
     "more, never again, nothing left, at the expense of, at the cost of, not the same, "
     "never the same"},
    {"keep",
     "blijven, behouden, houden, bewaren, vasthouden, koesteren, beschermen, handhaven, nog "
     "steeds, "
     "altijd, overeind, bewaken, borgen, zoals nu, zoals we nu, zoals het nu, zoals vandaag, zoals "
     "we dat nu",
     "keep, keeping, retain, preserve, protect, maintain, remain, stay, always, still, hold on, "
     "safeguard, like now, like today, like we do now, like we can today, like we do today, as we "
     "do now, the way we do now, the way we do it now"},
    {"value",
     "kracht, kwaliteit, verschil, trots, waardevol, waarde, fijn, mooi, hecht, sterk, bekend om, "
     "reputatie, "
     "hart, goud, uniek, kern, het moment, vakmanschap, zorgvuldig, zorgvuldigheid, "
     "dierbaar, essentieel, tenminste, in ieder geval, gelukkig",
     "strength, proud, valuable, value, valued, love, great, known for, reputation, heart, unique, "
     "core, "
     "quality, strong, close-knit, tight-knit, craftsmanship, careful, carefully, "
     "dear to, essential, "
     "the moment, "
     "what makes us, that's how, at least, luckily, fortunately"},
    {"wish",
     "wil, willen, hoop, hopen, graag, wens, liefst, eindelijk, zou, moet, mag, zou top zijn, fijn "
     "als",
     "want, wish, hope, would, should, please, finally, let, like to, would love, need"},
    {"problem",
     "probleem, problemen, drama, traag, trage, omslachtig, gedoe, zonde, rommel, frustrerend, "
     "ergerlijk, "
     "onbereikbaar, kapot, verouderd, achterhaald, ramp, nachtmerrie, knokken, oorlog, moeite, "
     "lastig, "
     "vastlopen, vastloopt, onduidelijk, smeken, overtikken, versnipperd, mis, kwijt, chaotisch, "
     "haak af, afhaken, niks, niemand weet, blijft liggen, blijven liggen, loopt vast, loopt "
     "achter, achterstand, misgaat, mis gaat, altijd dezelfde, steeds dezelfde, belachelijk, "
     "pijnlijk, vreselijk, verschrikkelijk, verwarrend, uitgeput, worstelen, mislukt, "
     // Complaint idioms: a problem now, whatever their words say alone.
     "gek van, word gek, het zat, ben het zat, beu, spuugzat, klaar mee",
     "problem, problems, drama, slow, cumbersome, waste, mess, frustrating, annoying, broken, "
     "outdated, "
     "nightmare, ridiculous, painful, insane, awful, hell, confusing, fail, fails, struggle, "
     "terrible, "
     "stuck, nobody knows, no idea, doesn't scale, exhausted, breaks, falls through, piles up, "
     "pile up, goes wrong, always the same, every single time, unreachable, disaster, chaos, "
     "chaotic, unclear, backlog, fragmented, "
     "losing my mind, lose my mind, drives me nuts, drive me nuts, driving me crazy, drives me "
     "crazy, sick of, fed up, tired of, had enough"},
    {"better",
     "beter, sneller, slimmer, makkelijker, eenvoudiger, simpeler, automatisch, overzichtelijk, "
     "handiger, "
     "efficiënter, goede, minder, één plek, in plaats van, ipv, anders, verbeteren, verbetering, "
     "oplossen, opgelost",
     "better, faster, smarter, easier, simpler, automatic, automated, clearer, efficient, less, "
     "fewer, "
     "one place, instead of, good, different, differently, improve, improvement, solve, solved"},
    {"process",
     "training, uitleg, begeleiding, ondersteuning, tijd om, proef, pilot, proefperiode, "
     "invoering, "
     "evalueren, betrekken, gevraagd, meebeslissen, duidelijke afspraken, afspraken, regels, "
     "eerlijk, "
     "communicatie, helpdesk, vraagbaak, coach, aanspreekpunt, eerst, voorbereiding, live gaat, "
     "deadline, go-live, onboarding, verwachtingen, voordat we",
     "training, explain, support, pilot, rollout, involve, asked, clear, agreements, rules, "
     "fair, "
     "communication, expectations, deadline, ready, go-live, onboarding, first, before we, time "
     "to, guidance, coaching, coach, helpdesk, trial period, evaluate, have a say, point of "
     "contact, preparation"},
    {"relation",
     "mens, mensen, menselijk, persoonlijk, contact, samen, elkaar, team, collega, vertrouwen, "
     "band, "
     "aandacht, gezicht, gesprek, verbinding",
     "human, person, people, personal, contact, together, each other, team, colleague, trust, "
     "relationship, "
     "touch, face, listens, connection"},
    {"tech",
     "systeem, app, platform, algoritme, computer, scherm, bot, chatbot, dashboard, digitaal, "
     "online, automatisch, tool",
     "system, app, platform, algorithm, computer, screen, bot, chatbot, dashboard, digital, "
     "online, tool"},
    {"cond", "als, indien, stel dat, wat als, wanneer", "if, what if, in case, whenever"},
    {"now", "nu, momenteel, tegenwoordig, op dit moment, vandaag, al jaren, nu al, huidige",
     "now, currently, right now, today, at the moment, for years, current, these days"},
    {"later", "straks, zometeen, binnenkort, voortaan, zodra",
     "soon, once, will, going to, when, then, later"},
    {"neg", "niet, geen, nooit, niemand, niks, niets, zonder",
     "not, no, never, nobody, nothing, without, dont, doesnt, didnt, cant, wont, isnt, arent, "
     "shouldnt, "
     "havent, hasnt, wasnt"},
    {"plain", "gewoon, simpelweg, zomaar, vanzelf, vanzelfsprekend",
     "simply, naturally, of course"},
    {"able", "kunnen, mogelijk, in staat", "able to, be able, possible, could"},
    {"new", "nieuw, nieuwe", "new"},
    {"old", "oud, oude", "old"},
    {"self", "ik, mijn, me, mij", "i, my, me"},
    {"we", "we, wij, ons, onze", "we, us, our"},
    {"effort", "kost, kosten, uur, uren, klikken, handmatig, keer, elke keer, alles",
     "costs, hours, spend, clicks, manual, every time, each time"},
};

// Words of one language's entries that are everyday words of the other
// language with another sense, and so never loan words there: Dutch "kind"
// (child), "file" (traffic jam), "lead" (a sales lead) or "taken" (tasks)
// in an English card; English "lag", "order", "meet" or "rapport" in a Dutch one
// ("het lag aan mij", "een order", "hij meet").
bool is_false_friend(std::string_view folded, lang card_language) {
    static std::unordered_set<std::string_view> const in_english = {
        "band", "direct", "file", "kind", "lead", "rust", "taken", "vast"};
    static std::unordered_set<std::string_view> const in_dutch = {"boring", "lag",     "meet",
                                                                  "order",  "rapport", "room"};
    return (card_language == lang::en ? in_english : in_dutch).count(folded) > 0;
}

} // namespace

lexicon::lexicon(std::vector<lexicon_entry> const& entries) {
    for (auto const& e : entries) {
        for (lang const l : {lang::nl, lang::en}) {
            std::string_view const list = l == lang::nl ? e.nl : e.en;
            lang const other = l == lang::nl ? lang::en : lang::nl;
            std::size_t pos = 0;
            while (pos < list.size()) {
                std::size_t comma = list.find(',', pos);
                if (comma == std::string_view::npos) comma = list.size();
                std::vector<std::string> const words = split_words(list.substr(pos, comma - pos));
                pos = comma + 1;
                if (words.empty()) continue;
                std::vector<std::string> stems, folded;
                for (auto const& w : words) {
                    stems.push_back(stem(w, l));
                    folded.push_back(fold_accents(w));
                }
                if (words.size() == 1) {
                    words_.insert(folded[0]);
                    words_.insert(stems[0]);
                }
                by_stem_[static_cast<int>(l)][stems[0]].push_back(
                    {std::vector<std::string>(stems.begin() + 1, stems.end()), e.tag});
                by_word_[static_cast<int>(other)][folded[0]].push_back(
                    {std::vector<std::string>(folded.begin() + 1, folded.end()), e.tag});
            }
        }
    }
}

lexicon const& lexicon::concepts() {
    static lexicon const l(concept_table);
    return l;
}

std::vector<lexicon_entry> const& lexicon::concept_entries() {
    return concept_table;
}

lexicon const& lexicon::cues() {
    static lexicon const l(cue_entries);
    return l;
}

std::vector<lexicon_match> lexicon::match(std::vector<std::string> const& words,
                                          std::vector<std::string> const& stems, lang l,
                                          bool skip_stop_words, bool own_language_only) const {
    std::vector<lexicon_match> out;
    auto const& own = by_stem_[static_cast<int>(l)];
    auto const& other = by_word_[static_cast<int>(l)];
    std::vector<std::string> folded;
    for (auto const& w : words)
        folded.push_back(fold_accents(w));
    auto try_map = [&](phrase_map const& map, std::vector<std::string> const& seq, std::size_t i) {
        auto it = map.find(seq[i]);
        if (it == map.end()) return;
        for (auto const& p : it->second) {
            if (i + 1 + p.rest.size() > seq.size()) continue;
            bool ok = true;
            for (std::size_t k = 0; k < p.rest.size() && ok; ++k)
                ok = seq[i + 1 + k] == p.rest[k];
            if (!ok) continue;
            out.push_back({i, 1 + p.rest.size(), p.tag});
        }
    };
    std::size_t const n = std::min(stems.size(), words.size());
    auto const may_start = [&](std::size_t i) {
        return !(skip_stop_words && is_stop_word(words[i], l));
    };
    for (std::size_t i = 0; i < n; ++i)
        if (may_start(i)) try_map(own, stems, i);
    if (own_language_only) return out;
    // A loan word only where no phrase of the card's own language is read:
    // within "clean desk" the loan "desk" is no second match. Nor where the
    // word is one of the card's own language in another sense.
    std::vector<bool> own_word(n, false);
    for (auto const& m : out)
        std::fill_n(own_word.begin() + m.start, m.length, true);
    for (std::size_t i = 0; i < n; ++i)
        if (may_start(i) && !own_word[i] && !is_false_friend(folded[i], l))
            try_map(other, folded, i);
    return out;
}

} // namespace brug::suggest
