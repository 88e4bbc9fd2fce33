#!/usr/bin/env python3
"""Writes the large seeds (hundreds of KB): libFuzzer grows its input-length limit slowly (about
2 KB after a million executions), so inputs near the 1 MiB max_len are only tried when a seed is
that large; it then mutates them at their size. Deterministic; run from anywhere:
python3 fuzz/seeds/gen-large.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
# (authority, ceiling or None) that read; then the kinds of error an entry can have.
GOOD = [("faa-506a2", "counternarcotics"), ("faa-506a2", None), ("acsa", "credits_nato"),
        ("ndaa06-1206", "cap"), ("usc10-333", None), ("ndaa08-1233", "pakistan_fy2016"),
        ("faa-552c2", "taiwan"), ("eda-grant", "aggregate"), ("fms", None)]
BAD = ['(authority: "faa-506a9", fiscal_year: 2027, amount_usd: 1)',
       '(authority: "acsa", fiscal_year: 2027, amount_usd: 1, ceiling: "credits")',
       '(authority: "fms", fiscal_year: 2027, amount_usd: 1, ceiling: "aggregate")',
       '(authority: "faa-506a1", fiscal_year: 27, amount_usd: 1)',
       '(authority: "faa-506a1", fiscal_year: 2027, amount_usd: 10000000000001)']


def entry(i):
    if i % 10 == 9:
        return BAD[(i // 10) % len(BAD)]
    a, c = GOOD[i % len(GOOD)]
    fy = 2016 if a == "ndaa08-1233" else 2020 + i % 10
    ceiling = ', ceiling: "%s"' % c if c else ""
    return '(authority: "%s", fiscal_year: %d, amount_usd: %d, reference: "R-%d"%s)' % (
        a, fy, (i * 7919) % 5_000_000, i, ceiling)


def write(path, data):
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


# Ledger: 1,500 entries one per line, every tenth wrong (150 errors: 100 shown, then E0216).
write("ledger/08-large-1500-entries.ron",
      "Ledger(entries: [\n" + "".join("    %s,\n" % entry(i) for i in range(1500)) + "])\n")
# Ledger: 1,500 entries, the valid ones on one line (a minified file), then one error at its far end.
write("ledger/09-large-one-line.ron",
      "Ledger(entries: [" + ",".join(entry(i) for i in range(1500) if i % 10 != 9)
      + "," + BAD[1] + "])")

PROPOSAL = """Proposal(
    id: "%s",
    title: "%s",
    partner: "%s",
    recipient: NationalMilitary,
    purposes: [%s],
    activities: ["training", "equipment"],
    amount_usd: %d,
    start: "2027-03-01",
    funding: DoD,
    leahy: Passed,
)
"""
files = [
    # a long title and a long id
    PROPOSAL % ("L-" + "9" * 5000, "T" * 100_000, "Lebanon", '"counterterrorism"', 30_000_000),
    # 8,000 purposes, all but one repeated (E0210 each: capped)
    PROPOSAL % ("L-2", "many purposes", "Kenya",
                ", ".join(['"counterterrorism"'] * 8_000), 1_000_000),
    # an unknown partner on a very long line
    PROPOSAL % ("L-3", "long partner", "X" * 50_000, '"counterterrorism"', 1_000_000),
] + [PROPOSAL % ("L-%d" % i, "ordinary %d" % i, "Jordan", '"counterterrorism"', 10_000_000 * i)
     for i in range(4, 9)]
ledger = "Ledger(entries: [" + ",".join(entry(i) for i in range(1000) if i % 10 != 9) + "])"
write("check/04-large-ledger-and-files.ron", "\0".join([ledger] + files))
for p in ("ledger/08-large-1500-entries.ron", "ledger/09-large-one-line.ron",
          "check/04-large-ledger-and-files.ron"):
    print(p, os.path.getsize(os.path.join(HERE, p)))
