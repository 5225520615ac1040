"""Myriad-S: the product's own small multimodal inspection model (training, export)."""
