package dev.weir.local;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.weir.api.ResourcesSpec;
import dev.weir.runtime.worker.WorkerJvm;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The heap of {@code weir local}'s worker processes, by one rule: {@code --worker-heap} when
 * given; else, as on Kubernetes, {@value WorkerJvm#HEAP_PERCENT_OF_MEMORY}% of the worker's memory
 * from the manifest ({@code spec.resources.limits.memory}, else {@code requests.memory}); else
 * {@value #DEFAULT}.
 */
public final class WorkerHeap {

    public static final String DEFAULT = "1g";
    /** What {@code -Xmx} takes, in megabytes or gigabytes (smaller heaps cannot run a worker). */
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*[mMgG]");
    private static final String MEMORY = "memory";

    private WorkerHeap() {
    }

    /** The JVM options; {@code workerHeap} is the command line's size (null: not given). */
    public static List<String> options(String workerHeap, ResourcesSpec resources) {
        return options(workerHeap, resources, WorkerJvm.HEAP_PERCENT_OF_MEMORY);
    }

    /** As {@link #options(String, ResourcesSpec)}, the heap taking {@code percent}% of the worker's memory. */
    public static List<String> options(String workerHeap, ResourcesSpec resources, int percent) {
        if (workerHeap != null) {
            return List.of("-Xmx" + checkedSize(workerHeap));
        }
        String memory = memory(resources);
        return memory == null ? List.of("-Xmx" + DEFAULT)
                : WorkerJvm.heapOfMemory(Quantity.getAmountInBytes(new Quantity(memory)).longValue(), percent);
    }

    /** {@code size} when it is a heap size such as 512m or 2g; else an error naming the option. */
    public static String checkedSize(String size) {
        if (!SIZE.matcher(size).matches()) {
            throw new IllegalArgumentException("--worker-heap must be a size in megabytes or gigabytes such as 512m"
                    + " or 2g, got '" + size + "'");
        }
        return size;
    }

    private static String memory(ResourcesSpec resources) {
        if (resources == null) {
            return null;
        }
        String limit = valueOf(resources.getLimits());
        return limit != null ? limit : valueOf(resources.getRequests());
    }

    private static String valueOf(Map<String, String> quantities) {
        return quantities == null ? null : quantities.get(MEMORY);
    }
}
