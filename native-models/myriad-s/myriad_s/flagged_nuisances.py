"""Which of an example's nuisances count as anomalies: with `train.py --nuisance-needs-map`, only
those the expert's map flags (at or above its threshold, 0.5, somewhere in the 3x3 cells the
nuisance covers). A speck of dust or a soft shadow that the recipe's expert tolerates is within the
recipe's own band: the dialog then answers "No" for it, as the station's verdict would. An
unflagged defect stays a defect: the model may overrule the expert's PASS where it sees one."""
import numpy as np

THRESHOLD = 0.5


def cell_peak(anomaly_map: np.ndarray, cell: int) -> float:
    """The map's maximum over one of the nine cells (row-major, as ground_truth.cell_of)."""
    h, w = anomaly_map.shape
    row, col = divmod(cell, 3)
    return float(anomaly_map[row * h // 3 : (row + 1) * h // 3, col * w // 3 : (col + 1) * w // 3].max())


def flagged_nuisances(nuisances: list, anomaly_map: np.ndarray) -> list:
    """The nuisances whose cells the map flags, in their order."""
    return [n for n in nuisances if max(cell_peak(anomaly_map, c) for c in (n.get("cells") or [n["cell"]])) >= THRESHOLD]
