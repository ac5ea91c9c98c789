"""Evaluation: question sets, metrics and reports on the assistant's answers."""
