"""The Textual user interface of `sim play`: a thin layer over the engine, the journal and the analysis."""
