"""Drawing modules of ``scripts/spinebench_images.py`` (the SpineBench mini image MCQs).

``common`` holds fonts, grey levels, geometry and the PNG / DICOM output; ``sagittal``,
``axial`` and ``coronal`` draw one kind of schematic each; ``catalog`` holds the drawing
parameters and turns each one into its image and its questions.
"""
