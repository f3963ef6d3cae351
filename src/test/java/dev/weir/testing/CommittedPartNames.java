package dev.weir.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the names of the exactly-once file and S3 sinks' committed output,
 * {@code part-<subtask>-chk<n>-a<attempt>-<seq>}, against what the job master reported, without
 * using the sinks' own name code: every name shows a subtask of the job and an attempt that ran,
 * and a checkpoint {@code n} above the one that attempt restored and at most the last completed
 * one. (For the local sink {@code n} is the barrier that closed the file, for S3 the first
 * checkpoint that could commit the object: the bounds hold for both.) Feed it from a
 * {@code JobMasterListener}.
 */
public final class CommittedPartNames {

    private static final Pattern NAME = Pattern.compile("part-(\\d+)-chk(\\d+)-a(\\d+)-(\\d+)");
    private static final Pattern RESTORED_ID = Pattern.compile("(?:chk|sp)-(\\d+)/?$");

    private final Map<Long, Long> restoredByAttempt = new ConcurrentHashMap<>();
    private final AtomicLong lastCompleted = new AtomicLong();

    public void attemptStarted(long attempt, String restoredFrom) {
        long restored = 0;
        if (restoredFrom != null) {
            Matcher m = RESTORED_ID.matcher(restoredFrom);
            if (!m.find()) {
                throw new IllegalArgumentException("no checkpoint id in " + restoredFrom);
            }
            restored = Long.parseLong(m.group(1));
        }
        restoredByAttempt.put(attempt, restored);
    }

    public void checkpointCompleted(long checkpointId) {
        lastCompleted.accumulateAndGet(checkpointId, Math::max);
    }

    /** What is wrong with {@code names} (file names or object keys without the sink's prefix); empty when nothing. */
    public List<String> violations(Collection<String> names, int parallelism) {
        List<String> wrong = new ArrayList<>();
        for (String name : names) {
            Matcher m = NAME.matcher(name);
            if (!m.matches()) {
                wrong.add(name + ": not part-<subtask>-chk<n>-a<attempt>-<seq>");
                continue;
            }
            int subtask = Integer.parseInt(m.group(1));
            long checkpoint = Long.parseLong(m.group(2));
            long attempt = Long.parseLong(m.group(3));
            Long restored = restoredByAttempt.get(attempt);
            if (subtask >= parallelism) {
                wrong.add(name + ": no subtask " + subtask + " at parallelism " + parallelism);
            } else if (restored == null) {
                wrong.add(name + ": attempt " + attempt + " never ran (attempts " + restoredByAttempt.keySet() + ")");
            } else if (checkpoint <= restored) {
                wrong.add(name + ": attempt " + attempt + " restored checkpoint " + restored + ", so it cannot write for " + checkpoint);
            } else if (checkpoint > lastCompleted.get()) {
                wrong.add(name + ": checkpoint " + checkpoint + " is above the last completed one, " + lastCompleted.get());
            }
        }
        return wrong;
    }
}
