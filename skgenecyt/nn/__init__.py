"""Pure torch modules (no scikit-learn imports): the VAE and the shared-graph GAT."""
