// A multinomial logistic regression over named features, trained with a
// Gaussian prior: weights are pulled towards prior weights rather than zero.
// That one mechanism carries the curated lexicon (prior of the built-in
// model) and the facilitator's placements (prior = the built-in model).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace brug::suggest {

class linear_model {
  public:
    explicit linear_model(int classes = 2) : classes_(classes), bias_(classes, 0.0) {}

    int classes() const { return classes_; }

    // Weight of `feature` for class `k`, 0 when unknown.
    double weight(std::string const& feature, int k) const;
    double bias(int k) const { return bias_[k]; }

    void set_weight(std::string const& feature, int k, double w);
    void set_bias(int k, double b) { bias_[k] = b; }

    std::unordered_map<std::string, std::vector<double>> const& weights() const { return weights_; }

  private:
    int classes_;
    std::vector<double> bias_;
    std::unordered_map<std::string, std::vector<double>> weights_;
};

// Where untrained weights come from: a model whose classes map onto this
// model's classes (class_map[k] = the prior's class for k, or -1 for none),
// plus a fixed per-class offset. Without a model the prior is `offsets`.
struct prior_view {
    linear_model const* model = nullptr;
    std::vector<int> class_map;
    std::vector<double> offsets;
    // Extra prior weights by feature for the last two classes' difference
    // (vernieuwen minus behouden), from the curated lexicon.
    std::unordered_map<std::string, double> const* lexicon = nullptr;
    std::vector<double> lexicon_sign; // per class: -0.5, +0.5 or 0

    double weight(std::string const& feature, int k) const;
    double bias(int k) const;
};

// How a fitted_model learns: the pull towards the prior, and which weights
// it may move at all.
struct fit_options {
    double l2 = 1.0; // pull towards the prior, per unit of example weight
    int iterations = 100;
    // Multiplies the pull on word features ("w:..."): words are the least
    // likely to carry over to another workshop.
    double word_l2_scale = 1.0;
    // When above 0, a word's pull rises from `word_l2_scale` towards the
    // full pull by how surely the prior already gives the examples that have
    // it their labels (2p - 1, times this gain, at most 1): a placement that
    // the stance cues explain says little about its words (a topic has cards
    // in both columns); one they do not explain is what the words must learn.
    double explained_words_gain = 0;
    // When not empty, only features that start with one of these prefixes
    // are fitted; all others keep the prior's weights.
    std::vector<std::string> fitted_prefixes;
    bool fit_bias = true; // false: the bias stays the prior's
};

struct training_example {
    std::vector<std::string> const* features = nullptr;
    int label = 0;
    double weight = 1;
};

// A model that knows `prior` everywhere and has learnt from `examples`:
// weights of features seen in the examples are fitted (L2 strength `l2`
// towards the prior); all others, and predictions, defer to the prior.
class fitted_model {
  public:
    fitted_model(prior_view prior, int classes) : prior_(std::move(prior)), own_(classes) {}

    void fit(std::vector<training_example> const& examples, fit_options const& options);

    std::vector<double> probabilities(std::vector<std::string> const& features) const;

    int classes() const { return own_.classes(); }

    // The prior and the fitted weights as one plain model (for a built-in model).
    linear_model flatten(std::vector<std::string> const& all_features) const;

  private:
    prior_view prior_;
    linear_model own_;                             // fitted weights only
    std::unordered_map<std::string, bool> fitted_; // features with own weights
    bool bias_fitted_ = false;
};

} // namespace brug::suggest
