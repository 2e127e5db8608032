package dev.vecprop.cli;

import dev.vecprop.check.BuiltInContracts;
import dev.vecprop.check.ContractProperty;
import dev.vecprop.check.ContractReport;
import dev.vecprop.check.ContractSuite;
import dev.vecprop.check.GradCheckReport;
import dev.vecprop.check.GradCheckSuite;
import dev.vecprop.check.PropertyResult;
import dev.vecprop.check.TensorCheck;
import dev.vecprop.io.Json;
import dev.vecprop.Platform;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code vecprop gradcheck}: runs the layer and loss contract of every built-in layer and loss (one
 * row per layer, one column per property), then the gradient check of whole models, fusions and
 * penalties (one row per case, or per tensor).
 */
final class GradcheckCommand {
    private GradcheckCommand() {}

    static final Option.Table OPTIONS = new Option.Table("""
            usage: vecprop gradcheck [--all-tensors] [--json]
              Checks the contract of every built-in layer and loss (gradients against central
              differences, accumulation, batch independence, determinism, eval purity,
              serialization, shape errors) and prints one row per layer and property, then
              gradient-checks whole models and penalties on the float32 path in use (worst
              element per tensor). Exit 1 if any fails.
            """)
            .flag("all-tensors", "one row per tensor instead of one per model case")
            .flag("json", "print one JSON object instead of the tables");

    private static final String[] SHORT = {"grad", "accum", "batch", "determ", "eval", "serial", "shape"};

    static int run(String[] args, PrintStream out) {
        if (args.length > 0 && args[0].equals("--help")) {
            out.print(OPTIONS.help());
            return 0;
        }
        Args given = OPTIONS.parse("gradcheck", args);
        boolean verbose = given.has("all-tensors");
        boolean json = given.has("json");
        given.requireAllRead();
        List<ContractReport> contracts = new ArrayList<>();
        for (ContractSuite.ContractTest t : BuiltInContracts.tests()) {
            contracts.add(t.check().get());
        }
        List<GradCheckSuite.Case> cases = GradCheckSuite.cases();
        List<GradCheckReport> reports = new ArrayList<>();
        for (GradCheckSuite.Case c : cases) {
            reports.add(c.run().get());
        }
        int failed = (int) contracts.stream().filter(r -> !r.passed()).count()
                + (int) reports.stream().filter(r -> !r.passed()).count();
        if (json) {
            out.println(json(contracts, cases, reports, failed, verbose));
        } else {
            table(out, contracts, cases, reports, verbose, failed);
        }
        return failed == 0 ? 0 : 1;
    }

    private static void table(PrintStream out, List<ContractReport> contracts, List<GradCheckSuite.Case> cases,
                              List<GradCheckReport> reports, boolean verbose, int failed) {
        out.println("layer and loss contracts, vector " + Platform.describeVectors());
        StringBuilder head = new StringBuilder(String.format("%-52s", "layer or loss"));
        for (String s : SHORT) {
            head.append(String.format(" %-6s", s));
        }
        out.println(head);
        List<PropertyResult> failures = new ArrayList<>();
        for (ContractReport r : contracts) {
            StringBuilder row = new StringBuilder(String.format("%-52s", trim(r.subject(), 52)));
            for (ContractProperty p : ContractProperty.values()) {
                PropertyResult pr = r.result(p);
                row.append(String.format(" %-6s", switch (pr.status()) {
                    case PASS -> "ok";
                    case FAIL -> "FAIL";
                    case SKIPPED -> "-";
                }));
                if (pr.status() == PropertyResult.Status.FAIL) {
                    failures.add(pr);
                }
            }
            out.println(row);
        }
        for (PropertyResult f : failures) {
            out.println("  " + f.note());
        }
        out.println("(- = does not apply: a loss has no mode, parameters or checkpoint)");
        out.println();
        out.println("gradient check of models and penalties");
        out.printf("%-64s %-14s %7s %7s %10s  %s%n", "case", "tensor", "checked", "skipped", "rel.err", "result");
        long elements = 0;
        for (int i = 0; i < cases.size(); i++) {
            GradCheckSuite.Case c = cases.get(i);
            GradCheckReport r = reports.get(i);
            elements += r.checked();
            if (verbose || !r.passed()) {
                for (TensorCheck t : r.tensors()) {
                    out.printf("%-64s %-14s %7d %7d %10.2e  %s%n", trim(c.name(), 64), t.tensor(), t.checked(), t.skipped(),
                            t.relError(), t.passed() ? "ok" : "FAIL (analytic " + t.analytic() + ", numeric "
                                    + t.numeric() + " at " + t.worstIndex() + ")");
                }
            } else {
                TensorCheck worst = r.tensors().stream().max((a, b) -> Double.compare(a.relError(), b.relError())).orElseThrow();
                out.printf("%-64s %-14s %7d %7d %10.2e  %s%n", trim(c.name(), 64), worst.tensor() + "*", r.checked(),
                        r.skipped(), worst.relError(), "ok");
            }
        }
        out.printf("%d contracts, %d gradient cases, %d derivatives compared, %d failed (* = tensor with the largest "
                + "relative error)%n", contracts.size(), cases.size(), elements, failed);
    }

    private static Json.ObjectWriter json(List<ContractReport> contracts, List<GradCheckSuite.Case> cases,
                                          List<GradCheckReport> reports, int failed, boolean verbose) {
        Json.ArrayWriter cs = Json.array();
        for (ContractReport r : contracts) {
            Json.ObjectWriter props = Json.object();
            for (PropertyResult p : r.properties()) {
                props.put(p.property().name().toLowerCase(Locale.ROOT), Json.object()
                        .put("status", p.status().name().toLowerCase(Locale.ROOT)).put("note", p.note()));
            }
            cs.add(Json.object().put("subject", r.subject()).put("passed", r.passed()).put("properties", props));
        }
        Json.ArrayWriter gs = Json.array();
        for (int i = 0; i < cases.size(); i++) {
            GradCheckReport r = reports.get(i);
            Json.ObjectWriter g = Json.object().put("case", cases.get(i).name()).put("passed", r.passed())
                    .put("checked", r.checked()).put("skipped", r.skipped());
            if (verbose || !r.passed()) {
                Json.ArrayWriter ts = Json.array();
                for (TensorCheck t : r.tensors()) {
                    ts.add(Json.object().put("tensor", t.tensor()).put("passed", t.passed()).put("checked", t.checked())
                            .put("worst_index", t.worstIndex()).put("analytic", t.analytic()).put("numeric", t.numeric())
                            .put("rel_error", t.relError()).put("tolerance", t.tolerance()));
                }
                g.put("tensors", ts);
            } else {
                g.put("worst_rel_error", r.tensors().stream().mapToDouble(TensorCheck::relError).max().orElse(0));
            }
            gs.add(g);
        }
        return Json.object().put("vector", Platform.describeVectors()).put("contracts", cs).put("gradients", gs)
                .put("failed", failed);
    }

    private static String trim(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }
}
