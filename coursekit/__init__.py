"""What a student receives: data, plots, the playground, the gradient checker, visible checks."""
