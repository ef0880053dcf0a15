"""The ``sgdNeuralNetwork`` container: a multi-layer perceptron trained by SGD (Adam)."""
