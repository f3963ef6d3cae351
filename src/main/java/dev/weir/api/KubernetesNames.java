package dev.weir.api;

import java.util.regex.Pattern;

/** The name syntaxes Kubernetes enforces, checked early so a bad name fails at validation, not at pod creation. */
public final class KubernetesNames {

    /** Longest DNS-1123 label, and so the longest job name: it also names the job's Service and label values. */
    public static final int MAX_LABEL_LENGTH = 63;
    public static final int MAX_SUBDOMAIN_LENGTH = 253;

    // A Service name must be an RFC 1035 label (starts with a letter); requiring that of job names
    // keeps the job's own headless Service creatable.
    private static final Pattern JOB_NAME = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public static final String JOB_NAME_RULE = "must be a DNS-1123 label: lowercase letters, digits and '-',"
            + " starting with a letter, ending with a letter or digit, at most " + MAX_LABEL_LENGTH + " characters";
    public static final String LABEL_RULE = "must be a DNS-1123 label: lowercase letters, digits and '-',"
            + " starting and ending with a letter or digit, at most " + MAX_LABEL_LENGTH + " characters";
    public static final String SUBDOMAIN_RULE = "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.',"
            + " at most " + MAX_SUBDOMAIN_LENGTH + " characters";

    private KubernetesNames() {
    }

    public static boolean isValidJobName(String name) {
        return name.length() <= MAX_LABEL_LENGTH && JOB_NAME.matcher(name).matches();
    }

    public static boolean isDns1123Label(String name) {
        return name.length() <= MAX_LABEL_LENGTH && LABEL.matcher(name).matches();
    }

    public static boolean isDns1123Subdomain(String name) {
        return name.length() <= MAX_SUBDOMAIN_LENGTH && SUBDOMAIN.matcher(name).matches();
    }
}
