// Full-batch gradient descent with AdaGrad steps: the problems are small
// (hundreds of cards, a few thousand features), so exactness and determinism
// matter more than speed of a single step, and there is no learning rate
// schedule to tune.
#include "suggest/classifier.hpp"

#include <algorithm>
#include <cmath>

namespace brug::suggest {

double linear_model::weight(std::string const& feature, int k) const {
    auto it = weights_.find(feature);
    return it == weights_.end() ? 0.0 : it->second[k];
}

void linear_model::set_weight(std::string const& feature, int k, double w) {
    auto& v = weights_[feature];
    if (v.empty()) v.assign(classes_, 0.0);
    v[k] = w;
}

double prior_view::weight(std::string const& feature, int k) const {
    double w = 0;
    if (model && k < static_cast<int>(class_map.size()) && class_map[k] >= 0)
        w += model->weight(feature, class_map[k]);
    if (lexicon && k < static_cast<int>(lexicon_sign.size())) {
        auto it = lexicon->find(feature);
        if (it != lexicon->end()) w += lexicon_sign[k] * it->second;
    }
    return w;
}

double prior_view::bias(int k) const {
    double b = k < static_cast<int>(offsets.size()) ? offsets[k] : 0.0;
    if (model && k < static_cast<int>(class_map.size()) && class_map[k] >= 0)
        b += model->bias(class_map[k]);
    return b;
}

namespace {

void softmax(std::vector<double>& z) {
    double const top = *std::max_element(z.begin(), z.end());
    double sum = 0;
    for (double& v : z)
        sum += (v = std::exp(v - top));
    for (double& v : z)
        v /= sum;
}

bool is_fitted(std::string const& feature, std::vector<std::string> const& prefixes) {
    if (prefixes.empty()) return true;
    for (auto const& p : prefixes)
        if (feature.rfind(p, 0) == 0) return true;
    return false;
}

// The class probabilities of one interned example into z: the bias, its
// fixed score and the weights of its fitted features, through the softmax.
void example_probabilities(std::vector<int> const& row, std::vector<double> const& fixed,
                           std::vector<double> const& w, std::vector<double> const& b,
                           std::vector<double>& z) {
    int const classes = static_cast<int>(b.size());
    for (int k = 0; k < classes; ++k)
        z[k] = b[k] + fixed[k];
    for (int f : row)
        for (int k = 0; k < classes; ++k)
            z[k] += w[f * classes + k];
    softmax(z);
}

// Per feature, the scale of the pull on it when it is a word (see
// fit_options::explained_words_gain): between `word_l2_scale` and 1 by the
// mean, over the examples that have it, of how surely the prior (`w`, `b`
// before any step) gives them their label: (2p - 1) x gain, within 0..1.
std::vector<double> word_pull_scales(std::vector<training_example> const& examples,
                                     std::vector<std::vector<int>> const& rows,
                                     std::vector<std::vector<double>> const& fixed_score,
                                     std::vector<std::string const*> const& names,
                                     std::vector<double> const& w, std::vector<double> const& b,
                                     fit_options const& options) {
    std::size_t const n = names.size();
    int const classes = static_cast<int>(b.size());
    if (options.explained_words_gain <= 0) return std::vector<double>(n, options.word_l2_scale);
    std::vector<double> explained(n, 0.0), weight(n, 0.0);
    std::vector<double> z(classes);
    for (std::size_t e = 0; e < examples.size(); ++e) {
        example_probabilities(rows[e], fixed_score[e], w, b, z);
        double const sure =
            std::clamp((2 * z[examples[e].label] - 1) * options.explained_words_gain, 0.0, 1.0);
        for (int f : rows[e]) {
            explained[f] += examples[e].weight * sure;
            weight[f] += examples[e].weight;
        }
    }
    std::vector<double> scale(n);
    for (std::size_t f = 0; f < n; ++f) {
        double const x = weight[f] > 0 ? explained[f] / weight[f] : 0.0;
        scale[f] = options.word_l2_scale + (1 - options.word_l2_scale) * x;
    }
    return scale;
}

} // namespace

void fitted_model::fit(std::vector<training_example> const& examples, fit_options const& options) {
    int const classes = own_.classes();
    double const l2 = options.l2;
    // Intern the features of the examples so the loop runs on arrays; the
    // features that are not fitted add their prior weight to a fixed score
    // per example instead.
    std::unordered_map<std::string, int> index;
    std::vector<std::string const*> names;
    std::vector<std::vector<int>> rows;
    std::vector<std::vector<double>> fixed_score;
    double total_weight = 0;
    for (auto const& e : examples) {
        std::vector<int> row;
        std::vector<double> fixed(classes, 0.0);
        for (auto const& f : *e.features) {
            if (!is_fitted(f, options.fitted_prefixes)) {
                for (int k = 0; k < classes; ++k)
                    fixed[k] += prior_.weight(f, k);
                continue;
            }
            auto [it, added] = index.emplace(f, static_cast<int>(names.size()));
            if (added) names.push_back(&it->first);
            row.push_back(it->second);
        }
        rows.push_back(std::move(row));
        fixed_score.push_back(std::move(fixed));
        total_weight += e.weight;
    }
    if (examples.empty() || total_weight <= 0) return;
    std::size_t const n = names.size();
    std::vector<double> w(n * classes), prior(n * classes), g(n * classes), acc(n * classes, 1e-8);
    std::vector<double> b(classes), prior_b(classes), gb(classes), acc_b(classes, 1e-8);
    for (std::size_t f = 0; f < n; ++f)
        for (int k = 0; k < classes; ++k)
            w[f * classes + k] = prior[f * classes + k] = prior_.weight(*names[f], k);
    for (int k = 0; k < classes; ++k)
        b[k] = prior_b[k] = prior_.bias(k);
    std::vector<double> const word_scale =
        word_pull_scales(examples, rows, fixed_score, names, w, b, options);
    std::vector<double> pull(n);
    for (std::size_t f = 0; f < n; ++f)
        pull[f] = names[f]->rfind("w:", 0) == 0 ? l2 * word_scale[f] : l2;

    double const step = 0.3;
    std::vector<double> z(classes);
    for (int it = 0; it < options.iterations; ++it) {
        for (std::size_t i = 0; i < g.size(); ++i)
            g[i] = pull[i / classes] * (w[i] - prior[i]);
        for (int k = 0; k < classes; ++k)
            gb[k] = l2 * (b[k] - prior_b[k]);
        for (std::size_t e = 0; e < examples.size(); ++e) {
            example_probabilities(rows[e], fixed_score[e], w, b, z);
            double const scale = examples[e].weight / total_weight;
            for (int k = 0; k < classes; ++k) {
                double const d = scale * (z[k] - (k == examples[e].label ? 1.0 : 0.0));
                gb[k] += d;
                for (int f : rows[e])
                    g[f * classes + k] += d;
            }
        }
        for (std::size_t i = 0; i < w.size(); ++i) {
            acc[i] += g[i] * g[i];
            w[i] -= step * g[i] / std::sqrt(acc[i]);
        }
        if (!options.fit_bias) continue;
        for (int k = 0; k < classes; ++k) {
            acc_b[k] += gb[k] * gb[k];
            b[k] -= step * gb[k] / std::sqrt(acc_b[k]);
        }
    }
    for (std::size_t f = 0; f < n; ++f) {
        for (int k = 0; k < classes; ++k)
            own_.set_weight(*names[f], k, w[f * classes + k]);
        fitted_[*names[f]] = true;
    }
    if (!options.fit_bias) return;
    for (int k = 0; k < classes; ++k)
        own_.set_bias(k, b[k]);
    bias_fitted_ = true;
}

std::vector<double> fitted_model::probabilities(std::vector<std::string> const& features) const {
    int const classes = own_.classes();
    std::vector<double> z(classes);
    for (int k = 0; k < classes; ++k)
        z[k] = bias_fitted_ ? own_.bias(k) : prior_.bias(k);
    for (auto const& f : features) {
        bool const own = fitted_.count(f) > 0;
        for (int k = 0; k < classes; ++k)
            z[k] += own ? own_.weight(f, k) : prior_.weight(f, k);
    }
    softmax(z);
    return z;
}

linear_model fitted_model::flatten(std::vector<std::string> const& all_features) const {
    linear_model out(own_.classes());
    for (int k = 0; k < own_.classes(); ++k)
        out.set_bias(k, bias_fitted_ ? own_.bias(k) : prior_.bias(k));
    for (auto const& f : all_features) {
        bool const own = fitted_.count(f) > 0;
        for (int k = 0; k < own_.classes(); ++k) {
            double const w = own ? own_.weight(f, k) : prior_.weight(f, k);
            if (w != 0) out.set_weight(f, k, w);
        }
    }
    return out;
}

} // namespace brug::suggest
