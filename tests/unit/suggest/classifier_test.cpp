// The logistic regression on its own: fitting towards a prior, and which
// weights a fit may move.
#include "suggest/classifier.hpp"

#include <catch2/catch.hpp>

using namespace brug::suggest;

namespace {

// A prior that says "cue" speaks for class 1 and knows no words.
linear_model cue_prior() {
    linear_model m(2);
    m.set_weight("c:cue", 1, 1.0);
    m.set_weight("c:cue", 0, -1.0);
    return m;
}

prior_view view_of(linear_model const& m) {
    prior_view p;
    p.model = &m;
    p.class_map = {0, 1};
    p.offsets = {0.0, 0.0};
    return p;
}

} // namespace

TEST_CASE("classifier: examples move the weights away from the prior") {
    linear_model const prior = cue_prior();
    std::vector<std::string> const both = {"c:cue", "w:board"};
    std::vector<training_example> const examples = {{&both, 0, 1.0}, {&both, 0, 1.0}};
    fitted_model fm(view_of(prior), 2);
    double const before = fitted_model(view_of(prior), 2).probabilities({"c:cue"})[1];
    fit_options options;
    options.l2 = 0.1;
    fm.fit(examples, options);
    CHECK(fm.probabilities({"c:cue"})[1] < before);
    CHECK(fm.probabilities({"w:board"})[1] < 0.5);
}

TEST_CASE("classifier: only the features of fitted_prefixes learn; the rest keep the prior") {
    linear_model const prior = cue_prior();
    std::vector<std::string> const both = {"c:cue", "w:board"};
    std::vector<training_example> const examples = {{&both, 0, 1.0}, {&both, 0, 1.0}};
    fitted_model fm(view_of(prior), 2);
    fit_options options;
    options.l2 = 0.1;
    options.fitted_prefixes = {"w:"};
    options.fit_bias = false;
    fm.fit(examples, options);
    // The cue alone reads as before the fit: its weight and the bias kept.
    double const prior_cue = fitted_model(view_of(prior), 2).probabilities({"c:cue"})[1];
    CHECK(fm.probabilities({"c:cue"})[1] == Approx(prior_cue));
    CHECK(fm.probabilities({})[1] == Approx(0.5));
    // The word took up what the examples say, against the cue's pull:
    // with the cue held fixed, the word must outweigh it.
    CHECK(fm.probabilities({"w:board"})[1] < 0.2);
    CHECK(fm.probabilities(both)[1] < 0.5);
}
