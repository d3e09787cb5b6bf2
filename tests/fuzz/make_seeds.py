#!/usr/bin/env python3
"""Writes the fuzz seed corpus from protocol/examples: the frames of the
invalid examples (the valid ones are raw frames, read in place by mk/fuzz.mk)
for fuzz_decode, and command scripts built from every example frame for
fuzz_dispatch. Run from the repository root after the examples change; the
output is checked in."""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "protocol" / "examples"
CORPUS = ROOT / "tests" / "fuzz" / "corpus"


def main():
    decode = CORPUS / "decode"
    decode.mkdir(parents=True, exist_ok=True)
    for path in sorted((EXAMPLES / "invalid").glob("*.json")):
        frame = json.loads(path.read_text(encoding="utf-8"))["frame"]
        (decode / ("invalid-" + path.stem)).write_bytes(frame.encode("utf-8", "surrogatepass"))
    dispatch_seeds()


PARTICIPANT_COMMANDS = {"checkin.post", "card.post", "card.edit", "vote.cast", "vote.retract"}

# Three cards from three participants, so that the reveal is allowed.
PRELUDE = [
    'S233',
    'F{"type":"phase.set","req":1,"phase":"reflect"}',
    '1{"type":"card.post","req":2,"kind":"concern","text":"Minder tijd voor klanten","nonce":"a1"}',
    '2{"type":"card.post","req":3,"kind":"intention","text":"Samen leren","nonce":"a2"}',
    '3{"type":"card.post","req":4,"kind":"concern","text":"Onzeker","intention":"Vragen stellen","nonce":"a3"}',
]
REVEALED = [
    'F{"type":"cards.reveal","req":5}',
    'F{"type":"cluster.create","req":6,"column":"behouden","title":"Thema"}',
    'F{"type":"card.move","req":7,"card_id":"$c0","column":"behouden","cluster_id":"$k0"}',
    'F{"type":"agreement.add","req":8,"text":"Afspraak","owner":"Mark","due":"2026-12-15"}',
]

# Hand-written sessions for what no single example frame reaches.
SESSIONS = {
    "session-full": PRELUDE + REVEALED + [
        'F{"type":"phase.set","req":9,"phase":"vote"}',
        '1{"type":"vote.cast","req":10,"target_id":"$c1","nonce":"v1"}',
        '1{"type":"vote.cast","req":11,"target_id":"$c1","nonce":"v1"}',
        '2{"type":"vote.cast","req":12,"target_id":"$k0"}',
        '2{"type":"vote.cast","req":13,"target_id":"$k0"}',
        '2{"type":"vote.cast","req":14,"target_id":"$k0"}',
        '2{"type":"vote.cast","req":15,"target_id":"$k0"}',
        '3{"type":"vote.retract","req":16,"target_id":"$c1"}',
        'F{"type":"card.delete","req":17,"card_id":"$c1"}',
        'F{"type":"phase.set","req":18,"phase":"discuss"}',
        'F{"type":"cluster.delete","req":19,"cluster_id":"$k0"}',
        'F{"type":"timer.start","req":20,"seconds":60}',
        '@61000',
        '!',
        'F{"type":"phase.set","req":21,"phase":"closed","nonce":"c1"}',
        'F{"type":"phase.set","req":22,"phase":"closed","nonce":"c1"}',
        '1{"type":"card.post","req":23,"kind":"concern","text":"Te laat","nonce":"a1"}',
    ],
    "session-hidden": PRELUDE + [
        '1{"type":"card.edit","req":5,"card_id":"$c0","text":"Anders","intention":null}',
        '2{"type":"card.edit","req":6,"card_id":"$c0","text":"Niet van mij"}',
        'F{"type":"card.move","req":7,"card_id":"$c1","column":"behouden"}',
        'F{"type":"card.delete","req":8,"card_id":"$c2"}',
        '3{"type":"card.delete","req":9,"card_id":"$c2"}',
        '!',
        '=2',
        '+',
        '4{"type":"card.post","req":10,"kind":"concern","text":"Nieuw","nonce":"b1"}',
        'KFout',
        'F{"type":"cards.reveal","req":11}',
    ],
    "session-limits": [
        'S310',
        'F{"type":"phase.set","req":1,"phase":"reflect"}',
    ] + ['%d{"type":"card.post","kind":"concern","text":"Kaart %d","nonce":"n%d"}' % (1 + i % 3, i, i)
         for i in range(7)] + [
        'F{"type":"cards.reveal","req":2}',
        'F{"type":"phase.set","req":3,"phase":"vote"}',
        '1{"type":"vote.cast","req":4,"target_id":"$c3"}',
        '1{"type":"vote.cast","req":5,"target_id":"$c4"}',
        'F{"type":"suggest.request","req":6}',
        'F{"type":"suggest.apply","req":7}',
        'F{"type":"card.similar","req":8,"card_id":"$c1","limit":3}',
    ],
}


def placeholders(frame):
    """An example frame with its ids replaced by the session's placeholders."""
    for key, value in (("card_id", "$c0"), ("agreement_id", "$a0"), ("target_id", "$c1")):
        if isinstance(frame.get(key), str):
            frame[key] = value
    if isinstance(frame.get("cluster_id"), str):
        frame["cluster_id"] = "$k0"
    if isinstance(frame.get("card_ids"), list):
        frame["card_ids"] = ["$c0", "$c2"]
    return frame


def dispatch_seeds():
    out = CORPUS / "dispatch"
    out.mkdir(parents=True, exist_ok=True)
    for name, lines in SESSIONS.items():
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path in sorted((EXAMPLES / "valid").glob("*.json")):
        frame = placeholders(json.loads(path.read_text(encoding="utf-8")))
        kind = frame.get("type")
        lines = list(PRELUDE)
        if kind in ("checkin.post",):
            lines.append('F{"type":"phase.set","req":90,"phase":"checkin"}')
        elif kind not in ("card.post", "card.edit"):
            lines += REVEALED
            if kind in ("vote.cast", "vote.retract"):
                lines.append('F{"type":"phase.set","req":91,"phase":"vote"}')
        actor = "1" if kind in PARTICIPANT_COMMANDS else "F"
        lines.append(actor + json.dumps(frame, ensure_ascii=False))
        (out / ("example-" + path.stem)).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
