"""Drawings of computation graphs and of backpropagation, in the lecture's notation."""
