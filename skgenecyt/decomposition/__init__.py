"""Dimensionality reduction of expression profiles."""

from skgenecyt.decomposition._vae import VAETransformer

__all__ = ["VAETransformer"]
