"""Reports read from the month-end snapshots: the annual entrustment report (seed 001), the monthly operational
reports (BC0437, BC0438, Mẫu 14 …), period comparisons and the official forms."""
