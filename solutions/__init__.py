"""Reference implementation of the module (instructors only): losses, layers, nets, training."""
