// What one command changed, in the terms the store persists. The model
// produces these; the store writes them in one transaction. Each holds copies,
// because the store writes on its own thread while the model moves on.
#pragma once

#include "model/state.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace brug::model {

struct meta_put { workshop_meta meta; };          // insert or replace the workshop row
struct nonce_put { std::string tag; std::string answer; };
// Insert or replace (author is not stored). A post's nonce goes into its new
// card's row (one row per post instead of two); edits keep a row's nonce.
struct card_put {
    card value;
    std::optional<nonce_put> nonce = std::nullopt;
};
struct card_removed { std::string id; };
struct cluster_put { cluster value; };
struct cluster_removed { std::string id; };
struct participant_put { std::string token_hash; };
struct vote_put { vote_row value; };              // count 0 deletes the row
struct votes_removed { std::string target_id; };  // every voter's dots on a deleted target
struct agreement_put { agreement value; };
struct agreement_removed { std::string id; };
struct checkin_put { checkin value; };
struct workshop_removed {};                        // the workshop and everything in it

using change = std::variant<meta_put, card_put, card_removed, cluster_put, cluster_removed,
                            participant_put, vote_put, votes_removed, agreement_put,
                            agreement_removed, checkin_put, nonce_put, workshop_removed>;

// The changes of one workshop to commit together.
struct change_set {
    std::string code;
    std::vector<change> changes;

    bool empty() const { return changes.empty(); }
};

} // namespace brug::model
