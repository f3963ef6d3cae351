package dev.weir.local;

import java.util.List;

/**
 * A StreamJob manifest that cannot be run. Carries every problem found, each naming the field
 * ({@code spec.job.parallelism: must be >= 1 (got 0)}), so the user fixes them in one round.
 */
public final class InvalidManifestException extends Exception {

    private final String source;
    private final List<String> problems;

    public InvalidManifestException(String source, List<String> problems) {
        super(format(source, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid manifest has at least one problem");
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (or other source) the manifest came from. */
    public String source() {
        return source;
    }

    /** The problems, each {@code field.path: problem}. */
    public List<String> problems() {
        return problems;
    }

    private static String format(String source, List<String> problems) {
        if (problems.size() == 1) {
            return source + ": " + problems.get(0);
        }
        StringBuilder message = new StringBuilder(source).append(": ").append(problems.size()).append(" problems:");
        problems.forEach(problem -> message.append("\n  - ").append(problem));
        return message.toString();
    }
}
