// Two static tables, one per language, row for row the same question: a
// translation sits next to nothing else, and a test holds the two tables to
// the same ids in the same order. The comment above each group says which
// article the questions come from (the seeds in ../shared/seeds, read when
// writing them, never at run time).
#include "model/prompts.hpp"

#include <array>

namespace brug::model {
namespace {

using protocol::phase;

constexpr std::array dutch_prompts{
    // Check-in. "Begin met echte vragen stellen: Hoe gaat het met je? En dan
    // echt luisteren naar het antwoord."
    prompt{"hoe-gaat-het", "Hoe gaat het echt met je?", phase::checkin},
    prompt{"in-een-woord", "Hoe kom je vandaag binnen, in één woord?", phase::checkin},
    prompt{"meenemen", "Wat neem je mee naar dit gesprek?", phase::checkin},

    // Reflect. Onder de weerstand zit betrokkenheid: vraag naar betekenis,
    // niet naar gedrag, en naar wat iemand nodig heeft.
    prompt{"lastig", "Wat maakt dit voor jou lastig?", phase::reflect},
    prompt{"behouden", "Wat wil je behouden?", phase::reflect},
    prompt{"vernieuwen", "Wat wil je vernieuwen?", phase::reflect},
    prompt{"nodig", "Wat heb je nodig?", phase::reflect},
    prompt{"belangrijk", "Wat is voor jou écht belangrijk?", phase::reflect},
    prompt{"zorg", "Waar maak je je zorgen over, en wat wil je daarmee beschermen?", phase::reflect},
    // Uitzoomen: van het standpunt naar de behoefte eronder.
    prompt{"behoefte", "Welke behoefte zit er onder jouw standpunt?", phase::reflect},
    // Gebruik ervaring als bron, niet als anker.
    prompt{"ervaring", "Welke ervaring van jou kan helpen om dit goed te doen?", phase::reflect},

    // Discuss. Van "Wie heeft er gelijk?" naar wat we samen willen; uitzoomen,
    // naar jezelf kijken, en het gesprek over vertrouwen bewaken.
    prompt{"samen", "Wat willen we samen behouden én vernieuwen?", phase::discuss},
    prompt{"uitzoomen", "Als we uitzoomen: wat speelt er nog meer?", phase::discuss},
    prompt{"andere-routes", "Welke andere manieren zijn er om ons doel te bereiken?", phase::discuss},
    prompt{"eigen-bijdrage", "Hoe dragen we zelf bij aan hoe dit gesprek loopt?", phase::discuss},
    prompt{"veilig", "Wat hebben we nodig om hier veilig over te praten?", phase::discuss},
    prompt{"mogelijkheden", "Welke mogelijkheden zie jij?", phase::discuss},

    // Agree. "Maak heldere afspraken: wat ga jij doen, wat heb je van je
    // leidinggevende nodig, waar kom je wanneer op terug." Grote doelen
    // kleiner maken, stap voor stap; en vier kleine dingen.
    prompt{"afspraak", "Wat gaan we doen, wie pakt het op, en wanneer kijken we terug?", phase::agree},
    prompt{"eerste-stap", "Wat is een eerste kleine stap?", phase::agree},
    prompt{"van-elkaar", "Wat heb je van de ander nodig om dit waar te maken?", phase::agree},
    prompt{"vieren", "Welk klein succes willen we onderweg vieren?", phase::agree},
};

constexpr std::array english_prompts{
    prompt{"hoe-gaat-het", "How are you, really?", phase::checkin},
    prompt{"in-een-woord", "How are you arriving today, in one word?", phase::checkin},
    prompt{"meenemen", "What are you bringing into this conversation?", phase::checkin},

    prompt{"lastig", "What makes this hard for you?", phase::reflect},
    prompt{"behouden", "What do you want to keep?", phase::reflect},
    prompt{"vernieuwen", "What do you want to renew?", phase::reflect},
    prompt{"nodig", "What do you need?", phase::reflect},
    prompt{"belangrijk", "What really matters to you?", phase::reflect},
    prompt{"zorg", "What worries you, and what do you want to protect with it?", phase::reflect},
    prompt{"behoefte", "What need lies beneath your position?", phase::reflect},
    prompt{"ervaring", "Which experience of yours can help us do this well?", phase::reflect},

    prompt{"samen", "What do we want to keep and renew, together?", phase::discuss},
    prompt{"uitzoomen", "If we zoom out: what else is going on?", phase::discuss},
    prompt{"andere-routes", "What other ways are there to reach our goal?", phase::discuss},
    prompt{"eigen-bijdrage", "How do we ourselves shape the way this conversation goes?", phase::discuss},
    prompt{"veilig", "What do we need to talk about this safely?", phase::discuss},
    prompt{"mogelijkheden", "Which possibilities do you see?", phase::discuss},

    prompt{"afspraak", "What will we do, who takes it up, and when do we look back?", phase::agree},
    prompt{"eerste-stap", "What is a first small step?", phase::agree},
    prompt{"van-elkaar", "What do you need from the other to make this happen?", phase::agree},
    prompt{"vieren", "Which small success do we want to celebrate along the way?", phase::agree},
};

static_assert(dutch_prompts.size() == english_prompts.size(),
              "every question is in both languages");
static_assert(!dutch_prompts.empty(), "an empty library would read as an unknown language");

// The wire names of the phases a prompt can suit (protocol::to_string lives
// in another library; this one must not wait for it to link).
std::string_view phase_name(phase p) {
    switch (p) {
    case phase::checkin: return "checkin";
    case phase::reflect: return "reflect";
    case phase::discuss: return "discuss";
    case phase::agree: return "agree";
    case phase::lobby: return "lobby";
    case phase::cluster: return "cluster";
    case phase::vote: return "vote";
    case phase::closed: return "closed";
    }
    return "reflect";
}

} // namespace

std::span<prompt const> prompt_library(std::string_view language) {
    if (language == "nl") return dutch_prompts;
    if (language == "en") return english_prompts;
    return {};
}

std::optional<nlohmann::json> prompts_json(std::string_view language) {
    auto const library = prompt_library(language);
    if (library.empty()) return std::nullopt;
    auto list = nlohmann::json::array();
    for (auto const& p : library) {
        list.push_back({{"id", p.id}, {"text", p.text}, {"phase", phase_name(p.phase)}});
    }
    return nlohmann::json{{"prompts", std::move(list)}};
}

} // namespace brug::model
