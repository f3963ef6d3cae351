package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The steps of a recovery that the REST API does not keep (its exception history holds the last 16 failures, the
 * job's timestamps only the latest entry into each state), read from the JobManager's INFO log: the first task
 * failure after the kill and its cause (the job failing detected), the first restart, how many deployments failed
 * after it, and when the JobMaster declared the killed TaskManager unreachable.
 */
final class JobManagerLog {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    /** Times in epoch ms, -1 when the log has no such line. */
    record Failure(long failedAt, String cause, long restartedAt, long lostAt, int failedDeployments) {}

    private JobManagerLog() {}

    static Failure firstFailureAfter(Path log, long afterMs, String taskManager) throws IOException {
        List<String> lines = Files.readAllLines(log);
        long failedAt = -1;
        String cause = null;
        long restartedAt = -1;
        long lostAt = -1;
        int failedDeployments = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            long t = time(line);
            if (t < afterMs - 1) { // the log has ms resolution, the kill's time too
                continue;
            }
            if (failedAt < 0 && line.contains(" switched from RUNNING to FAILED")) {
                failedAt = t;
                cause = i + 1 < lines.size() ? lines.get(i + 1) : "";
            } else if (restartedAt < 0 && line.contains("switched from state RESTARTING to RUNNING")) {
                restartedAt = t;
            } else if (line.contains(" switched from DEPLOYING to FAILED")) {
                failedDeployments++;
            } else if (lostAt < 0 && line.contains("JobMaster") && line.contains("TaskManager with id " + taskManager
                    + " is no longer reachable")) {
                lostAt = t;
            }
        }
        if (cause != null && cause.length() > 300) {
            cause = cause.substring(0, 300);
        }
        return new Failure(failedAt, cause, restartedAt, lostAt, failedDeployments);
    }

    private static long time(String line) {
        if (line.length() < 23 || !Character.isDigit(line.charAt(0))) {
            return -1;
        }
        try {
            return LocalDateTime.parse(line.substring(0, 23), TIME).atZone(ZoneId.systemDefault()).toInstant()
                    .toEpochMilli();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
