"""
Standard text classifiers on a spam corpus, as a yardstick for `npm run eval:spam`.

    python3 scripts/baselines.py ../shared/spam-corpus/youtube-dev.jsonl
    npx tsx scripts/corpus-splits.ts ../shared/spam-corpus/youtube-dev.jsonl > splits.jsonl
    python3 scripts/baselines.py ../shared/spam-corpus/youtube-dev.jsonl --shuffled splits.jsonl
    python3 scripts/baselines.py ../shared/spam-corpus/youtube-dev.jsonl --few 12

Needs scikit-learn (`apt-get install python3-sklearn` or `pip install scikit-learn`); it is not
part of the service nor of `npm test`.

For each site: bag-of-words (words, words + bigrams, character 2–5-grams with TF-IDF) fed to
Bernoulli and multinomial naive Bayes, a linear SVM, an RBF SVM and logistic regression over a
grid of their main parameter, trained on the site's 'train' rows. Two MCCs per classifier, with
spam as the positive class on the 'test' rows:
- tuned: the grid point that 5-fold cross-validation on the training rows picks (what one can do);
- oracle: the grid point that scores best on the test rows themselves (an upper bound that no
  honest method reaches).

--shuffled <splits.jsonl>: the splits of `npm run eval:spam:offline -- <file> --protocol shuffled`,
as scripts/corpus-splits.ts writes them (one line per seed: the split of each row), so the very
same rows; the three strongest classifiers above tuned by cross-validation on each split's training
rows: confusion matrices summed over the splits, blocked ham, mean MCC. Comparable line for line
with the offline evaluation's report.

--few <n>: each site trained with only the first n spam examples of its 'train' rows and all their
ham, as `npm run eval:spam:offline -- … --protocol cross-corpus` trains "with 12 spam examples".
"""
import json
import sys

from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, make_scorer, matthews_corrcoef
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.naive_bayes import BernoulliNB, MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC, LinearSVC

VECTORIZERS = {
    "words": lambda: CountVectorizer(),
    "words+bigrams": lambda: CountVectorizer(ngram_range=(1, 2)),
    "chars 2-5 tf-idf": lambda: TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)),
}
GRID = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100]
CLASSIFIERS = {
    "Bernoulli NB": (lambda: BernoulliNB(), "alpha"),
    "multinomial NB": (lambda: MultinomialNB(), "alpha"),
    "linear SVM": (lambda: LinearSVC(max_iter=20000), "C"),
    "RBF SVM": (lambda: SVC(kernel="rbf"), "C"),
    "logistic regression": (lambda: LogisticRegression(max_iter=5000), "C"),
}


def read_rows(path):
    """The corpus rows, with label and split read as the TypeScript evaluation reads them ("Spam" is spam)."""
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    for row in rows:
        row["label"] = str(row["label"]).strip().lower()
        row["split"] = str(row["split"]).strip().lower()
        row["site"] = str(row["site"])
        row["content"] = row.get("content") or ""
    return rows


def xy(rows):
    """Texts and labels (True for spam) of rows."""
    return [r["content"] for r in rows], [r["label"] == "spam" for r in rows]


def search(pipe, param):
    """The pipeline with its parameter chosen by 5-fold cross-validation on MCC."""
    scoring = make_scorer(matthews_corrcoef)
    return GridSearchCV(pipe, {f"clf__{param}": GRID}, scoring=scoring, cv=StratifiedKFold(5, shuffle=True, random_state=0))


def read_splits(path, rows):
    """The splits scripts/corpus-splits.ts wrote: per seed, the split of each row of the corpus."""
    splits = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    for entry in splits:
        if len(entry["split"]) != len(rows):
            sys.exit(f"{path}: seed {entry['seed']} splits {len(entry['split'])} rows, the corpus has {len(rows)}: written for another corpus?")
    return [(entry["seed"], entry["split"]) for entry in splits]


def shuffled(path, splits_path):
    rows = read_rows(path)
    splits = read_splits(splits_path, rows)
    sites = list(dict.fromkeys(row["site"] for row in rows))
    chosen = {
        "logistic regression, chars 2-5 tf-idf": ("chars 2-5 tf-idf", "logistic regression"),
        "linear SVM, chars 2-5 tf-idf": ("chars 2-5 tf-idf", "linear SVM"),
        "Bernoulli NB, words": ("words", "Bernoulli NB"),
    }
    totals = {(site, name): [0, 0, 0, 0, []] for site in sites for name in chosen}
    for _, split in splits:
        for site in sites:
            x, y = xy([r for i, r in enumerate(rows) if r["site"] == site and split[i] == "train"])
            xt, yt = xy([r for i, r in enumerate(rows) if r["site"] == site and split[i] == "test"])
            for name, (vec_name, clf_name) in chosen.items():
                make, param = CLASSIFIERS[clf_name]
                pipe = Pipeline([("vec", VECTORIZERS[vec_name]()), ("clf", make())])
                predicted = search(pipe, param).fit(x, y).predict(xt)
                tn, fp, fn, tp = confusion_matrix(yt, predicted, labels=[False, True]).ravel()
                total = totals[(site, name)]
                for k, value in enumerate((tp, fn, fp, tn)):
                    total[k] += int(value)
                total[4].append(matthews_corrcoef(yt, predicted))
    print(f"Shuffled: {len(splits)} stratified 70/30 splits per site, the splits of eval-spam-offline.ts --protocol shuffled")
    for (site, name), (tp, fn, fp, tn, scores) in totals.items():
        print(
            f"  {site:10} {name:40} TP {tp:5} FN {fn:4} FP {fp:4} TN {tn:5}  ham blocked {100 * fp / (fp + tn):4.1f} %"
            f"  mean MCC {sum(scores) / len(scores):.3f}"
        )


def first_spam(rows, few):
    """The rows with only the first `few` spam examples kept (all when few is None), the ham all kept."""
    if few is None:
        return rows
    spam = [r for r in rows if r["label"] == "spam"][:few]
    return [r for r in rows if r["label"] != "spam" or r in spam]


def main(path, few=None):
    rows = read_rows(path)
    sites = list(dict.fromkeys(row["site"] for row in rows))
    for site in sites:
        train = first_spam([r for r in rows if r["site"] == site and r["split"] == "train"], few)
        test = [r for r in rows if r["site"] == site and r["split"] == "test"]
        (x, y), (xt, yt) = xy(train), xy(test)
        best_tuned, best_oracle = (0, ""), (0, "")
        print(f"{site} (train {len(train)}, test {len(test)})")
        for clf_name, (make, param) in CLASSIFIERS.items():
            line = []
            for vec_name, vectorizer in VECTORIZERS.items():
                pipe = Pipeline([("vec", vectorizer()), ("clf", make())])
                tuned = matthews_corrcoef(yt, search(pipe, param).fit(x, y).predict(xt))
                oracle = max(
                    matthews_corrcoef(yt, pipe.set_params(**{f"clf__{param}": value}).fit(x, y).predict(xt)) for value in GRID
                )
                line.append(f"{vec_name}: tuned {tuned:.3f} oracle {oracle:.3f}")
                best_tuned = max(best_tuned, (tuned, f"{clf_name}, {vec_name}"))
                best_oracle = max(best_oracle, (oracle, f"{clf_name}, {vec_name}"))
            print(f"  {clf_name:20} " + " | ".join(line))
        print(f"  best tuned MCC {best_tuned[0]:.3f} ({best_tuned[1]}); best oracle MCC {best_oracle[0]:.3f} ({best_oracle[1]})")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 1:
        main(args[0])
    elif len(args) == 3 and args[1] == "--shuffled":
        shuffled(args[0], args[2])
    elif len(args) == 3 and args[1] == "--few":
        main(args[0], int(args[2]))
    else:
        sys.exit("usage: python3 scripts/baselines.py <corpus.jsonl> [--shuffled <splits.jsonl> | --few <n>]  (splits: npx tsx scripts/corpus-splits.ts <corpus.jsonl>)")
