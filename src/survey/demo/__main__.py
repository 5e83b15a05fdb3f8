"""``python -m survey.demo``: rewrite the committed truth records of the demo waves."""

from survey.demo import write_truth_files

for written in write_truth_files():
    print(written)
