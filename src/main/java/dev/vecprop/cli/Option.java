package dev.vecprop.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One command-line option, declared once: its name, the value it takes (null for a flag), the
 * section and text of the help. A command's options are a {@link Table}: the parser accepts exactly
 * these, the help is generated from them, and {@link Args#requireAllRead()} proves that every given
 * option was read by the command.
 *
 * @param name    the option without its dashes, e.g. {@code epochs}
 * @param value   the value's placeholder in the help, e.g. {@code N}; null for a flag
 * @param section the help section
 * @param help    one or more lines of help (lines after the first are indented under it)
 */
record Option(String name, String value, String section, String help) {

    boolean flag() {
        return value == null;
    }

    /** A command's declared options, in help order. */
    static final class Table {
        private final String usage;
        private final List<Option> options = new ArrayList<>();
        private String section = "";

        Table(String usage) {
            this.usage = usage;
        }

        Table section(String s) {
            this.section = s;
            return this;
        }

        Table flag(String name, String help) {
            options.add(new Option(name, null, section, help));
            return this;
        }

        Table valued(String name, String value, String help) {
            options.add(new Option(name, value, section, help));
            return this;
        }

        List<Option> options() {
            return List.copyOf(options);
        }

        Set<String> flags() {
            Set<String> s = new LinkedHashSet<>();
            for (Option o : options) {
                if (o.flag()) {
                    s.add(o.name());
                }
            }
            return s;
        }

        Set<String> valued() {
            Set<String> s = new LinkedHashSet<>();
            for (Option o : options) {
                if (!o.flag()) {
                    s.add(o.name());
                }
            }
            return s;
        }

        Args parse(String cmd, String[] argv) {
            return new Args(cmd, argv, flags(), valued());
        }

        /** The help text: the usage lines, then each section with one aligned entry per option. */
        String help() {
            StringBuilder b = new StringBuilder(usage.stripTrailing()).append('\n');
            String current = null;
            for (Option o : options) {
                if (!o.section().equals(current)) {
                    current = o.section();
                    if (!current.isEmpty()) {
                        b.append('\n').append(current).append(":\n");
                    }
                }
                String head = "  --" + o.name() + (o.flag() ? "" : " " + o.value());
                String[] lines = o.help().split("\n");
                if (head.length() >= 23) {
                    b.append(head).append('\n').append(" ".repeat(23)).append(lines[0]).append('\n');
                } else {
                    b.append(head).append(" ".repeat(23 - head.length())).append(lines[0]).append('\n');
                }
                for (int i = 1; i < lines.length; i++) {
                    b.append(" ".repeat(23)).append(lines[i]).append('\n');
                }
            }
            return b.toString();
        }
    }
}
