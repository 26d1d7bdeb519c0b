# scripts/studylib: the overlay design study's pipeline (scripts/study).
# common.py holds what every question shares; each qN_*.py answers one
# question (NUMBER, PAGE, NOTES and run(R, work, pages, img)); index.py
# writes docs/study/README.md from the questions that ran.
