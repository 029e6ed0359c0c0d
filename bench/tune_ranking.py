"""Tune the text index and blend weights on the held-out set's development split; judge on test.

Run from the repository root:  python -m bench.tune_ranking [--split test] [--only NAME ...]
Tuning looks only at --split dev (the default). The test split is read once the choice is made,
with the same configurations, to report them honestly (bench/RANKING.md).
"""

from __future__ import annotations

import argparse
import os

from matcher.ranking.blend import BlendWeights
from matcher.ranking.evaluation import baseline_ranker, blended_ranker, evaluate_ranker, metrics_table, text_ranker
from matcher.ranking.evaluation_data import load_held_out
from matcher.ranking.text_index import TextIndex
from matcher.services.geo import zip_point

SEED_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seed")

TEXT_CONFIGS: dict[str, dict] = {
    "chosen: stemmed, LSA 50 x 0.3": {},
    "no LSA": {"lsa_weight": 0.0},
    "hand bridges": {"bridges": True},
    "no stemming": {"stem": False},
    "bigrams": {"ngram_range": (1, 2)},
    "max_df 0.3": {"max_df": 0.3},
    "max_df 0.8": {"max_df": 0.8},
    "LSA 50 x 0.2": {"lsa_components": 50, "lsa_weight": 0.2},
    "LSA 50 x 0.5": {"lsa_components": 50, "lsa_weight": 0.5},
    "LSA 100 x 0.2": {"lsa_components": 100, "lsa_weight": 0.2},
    "LSA 100 x 0.35": {"lsa_components": 100, "lsa_weight": 0.35},
    "LSA 150 x 0.35": {"lsa_components": 150, "lsa_weight": 0.35},
    "LSA 100 x 0.5": {"lsa_components": 100, "lsa_weight": 0.5},
    "papers 0.2": {"publication_weight": 0.2},
    "papers 0.4": {"publication_weight": 0.4},
    "LSA 100 x 0.35 + papers 0.2": {"lsa_components": 100, "lsa_weight": 0.35, "publication_weight": 0.2},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--only", nargs="*", help="configuration names to run (default: all)")
    parser.add_argument("--text", default="chosen: stemmed, LSA 50 x 0.3", help="text configuration for blends")
    args = parser.parse_args()
    data = load_held_out(SEED_DIR, args.split, zip_point)
    common = (data.profiles, data.queries, data.labels)
    rows = [evaluate_ranker("baseline: scikit-learn TF-IDF", *common, baseline_ranker(data.profiles))]
    for name, params in TEXT_CONFIGS.items():
        if args.only and name not in args.only:
            continue
        rows.append(evaluate_ranker(f"text: {name}", *common, text_ranker(TextIndex(**params).fit(data.profiles))))
    index = TextIndex(**TEXT_CONFIGS[args.text]).fit(data.profiles)
    for text_weight in (0.4, 0.5, 0.6, 0.7, 0.8):
        rest = (1 - text_weight) / 0.4
        weights = BlendWeights(text_weight, 0.15 * rest, 0.05 * rest, 0.1 * rest, 0.05 * rest, 0.05 * rest)
        rows.append(evaluate_ranker(f"blend text {text_weight} on {args.text}", *common,
                                    blended_ranker(index, data.candidates, data.facts, weights)))
    print(metrics_table(rows, f"{args.split} split: {len(data.queries)} problems, {len(data.profiles)} researchers"))


if __name__ == "__main__":
    main()
