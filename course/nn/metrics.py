"""Predictions and scores of a classifier, column layout: examples along axis 1, probabilities
``A (1, m)``, class scores ``(C, m)``, labels ``(1, m)``.

Taught in: chapter 1 (thresholding probabilities at 0.5), chapter 11 (accuracy on a held-out
set); the metrics of chapters 22-26 join them here.
"""
import numpy as np

__all__ = ["predict_binary", "accuracy"]


def predict_binary(A, threshold=0.5):
    """Labels (1, m) of 0.0/1.0: 1 where the probability A is above ``threshold``. Chapter 1."""
    return (A > threshold).astype(np.float64)


def accuracy(predictions, labels):
    """The fraction of examples whose prediction equals its label, as a float.

    predictions -- predicted labels shaped like ``labels`` ((1, m) or (m,)), or class scores or
                   probabilities (C, m) with C > 1, whose arg-max over axis 0 is the prediction
    labels      -- true labels (1, m) or (m,)
    Chapter 11 measures it on a held-out set; chapters 22-26 add the metrics beside it."""
    predictions, labels = np.asarray(predictions), np.asarray(labels).reshape(-1)
    if predictions.ndim == 2 and predictions.shape[0] > 1:
        predictions = np.argmax(predictions, axis=0)
    predictions = predictions.reshape(-1)
    if predictions.shape != labels.shape:
        raise ValueError(f"{predictions.size} predictions for {labels.size} labels")
    return float(np.mean(predictions == labels))
