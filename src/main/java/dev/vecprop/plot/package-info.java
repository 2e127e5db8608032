/**
 * Pictures of a training run as standalone SVG 1.1 documents: {@link dev.vecprop.plot.TrainingCurves}
 * (loss and accuracy per epoch) and {@link dev.vecprop.plot.ConfusionMatrixHeatMap}.
 *
 * <p>The documents are plain text with no scripts and no external references; lengths are SVG user
 * units (one unit is one CSS pixel at 100% zoom). Output is deterministic: the same input gives the
 * same bytes on every run and in every default locale. Only {@code java.base} is used.
 */
package dev.vecprop.plot;
