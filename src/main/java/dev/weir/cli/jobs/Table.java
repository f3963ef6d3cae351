package dev.weir.cli.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain text table as the {@code weir} commands print them: left-aligned columns, two spaces apart. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    void row(String... cells) {
        rows.add(cells);
    }

    void print(PrintStream out) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** {@code 1h 02m 03s}, {@code 4m 05s} or {@code 6s}. */
    static String duration(long ms) {
        long s = ms / 1000;
        if (s >= 3600) {
            return String.format("%dh %02dm %02ds", s / 3600, s / 60 % 60, s % 60);
        }
        return s >= 60 ? String.format("%dm %02ds", s / 60, s % 60) : s + "s";
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double value = n;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s", value, units[unit]);
    }
}
