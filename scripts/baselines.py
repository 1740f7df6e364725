"""
Standard text classifiers on a spam corpus, as a yardstick for `npm run eval:spam`.

    python3 scripts/baselines.py ../shared/spam-corpus/youtube-dev.jsonl

Needs scikit-learn (`apt-get install python3-sklearn` or `pip install scikit-learn`); it is not
part of the service nor of `npm test`.

For each site: bag-of-words (words, words + bigrams, character 2–5-grams with TF-IDF) fed to
Bernoulli and multinomial naive Bayes, a linear SVM, an RBF SVM and logistic regression over a
grid of their main parameter, trained on the site's 'train' rows. Two MCCs per classifier, with
spam as the positive class on the 'test' rows:
- tuned: the grid point that 5-fold cross-validation on the training rows picks (what one can do);
- oracle: the grid point that scores best on the test rows themselves (an upper bound that no
  honest method reaches).
"""
import json
import sys

from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer, matthews_corrcoef
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


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    sites = list(dict.fromkeys(row["site"] for row in rows))
    mcc = make_scorer(matthews_corrcoef)
    for site in sites:
        train = [r for r in rows if r["site"] == site and r["split"] == "train"]
        test = [r for r in rows if r["site"] == site and r["split"] == "test"]
        x, y = [r["content"] for r in train], [r["label"] == "spam" for r in train]
        xt, yt = [r["content"] for r in test], [r["label"] == "spam" for r in test]
        best_tuned, best_oracle = (0, ""), (0, "")
        print(f"{site} (train {len(train)}, test {len(test)})")
        for clf_name, (make, param) in CLASSIFIERS.items():
            line = []
            for vec_name, vectorizer in VECTORIZERS.items():
                pipe = Pipeline([("vec", vectorizer()), ("clf", make())])
                search = GridSearchCV(pipe, {f"clf__{param}": GRID}, scoring=mcc, cv=StratifiedKFold(5, shuffle=True, random_state=0))
                tuned = matthews_corrcoef(yt, search.fit(x, y).predict(xt))
                oracle = max(
                    matthews_corrcoef(yt, pipe.set_params(**{f"clf__{param}": value}).fit(x, y).predict(xt)) for value in GRID
                )
                line.append(f"{vec_name}: tuned {tuned:.3f} oracle {oracle:.3f}")
                best_tuned = max(best_tuned, (tuned, f"{clf_name}, {vec_name}"))
                best_oracle = max(best_oracle, (oracle, f"{clf_name}, {vec_name}"))
            print(f"  {clf_name:20} " + " | ".join(line))
        print(f"  best tuned MCC {best_tuned[0]:.3f} ({best_tuned[1]}); best oracle MCC {best_oracle[0]:.3f} ({best_oracle[1]})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 scripts/baselines.py <corpus.jsonl>")
    main(sys.argv[1])
