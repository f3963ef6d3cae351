package dev.weir.runtime.exec;

import dev.weir.runtime.dataflow.JobDefinition;

/** Finds the user's job class on the classpath, with errors that say what is wrong. */
public final class JobDefinitionLoader {

    private JobDefinitionLoader() {}

    public static JobDefinition load(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("job class '" + className + "' was not found on the classpath");
        }
        if (!JobDefinition.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("job class '" + className + "' does not implement "
                    + JobDefinition.class.getName());
        }
        try {
            return (JobDefinition) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("job class '" + className
                    + "' needs a public no-argument constructor: " + e, e);
        }
    }
}
