from keras_leaky.layers.leaky_relu import LeakyReLU
from keras_leaky.layers.prelu import PReLU

__all__ = ["LeakyReLU", "PReLU"]
