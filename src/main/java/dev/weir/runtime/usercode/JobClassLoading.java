package dev.weir.runtime.usercode;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Loads and instantiates a job class, turning every way that can fail into a JOB_CLASS
 * {@link UnrecoverableJobException} whose message names the class, where it was looked for, and
 * what to do: not found (with the classes of that simple name the jar does have), a missing
 * dependency (the class that is missing), not a JobDefinition, abstract, no public no-argument
 * constructor, or a constructor or static initializer that threw.
 */
final class JobClassLoading {

    private final ClassLoader classLoader;
    private final String origin;
    private final LocalJobJar jar;

    /** @param jar the job jar the class loader reads, or null for Weir's class path */
    JobClassLoading(ClassLoader classLoader, String origin, LocalJobJar jar) {
        this.classLoader = classLoader;
        this.origin = origin;
        this.jar = jar;
    }

    JobDefinition instantiate(String className) {
        Class<?> type = load(className);
        if (!JobDefinition.class.isAssignableFrom(type)) {
            throw failure("job class '" + className + "' does not implement " + JobDefinition.class.getName(), null);
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw failure("job class '" + className + "' is abstract; name a concrete class in spec.job.className", null);
        }
        if (!Modifier.isPublic(type.getModifiers())
                || (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()))) {
            throw failure("job class '" + className + "' must be public (and, if nested, static)", null);
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw failure("job class '" + className + "' needs a public no-argument constructor", e);
        }
        try {
            return (JobDefinition) constructor.newInstance();
        } catch (IllegalAccessException e) {
            throw failure("job class '" + className + "' must be public (and, if nested, static)", e);
        } catch (InvocationTargetException e) {
            Throwable thrown = e.getCause();
            if (thrown instanceof LinkageError linkage) {
                throw linkageFailure(className, origin, "its constructor", linkage);
            }
            throw failure("the constructor of job class '" + className + "' threw " + thrown, thrown);
        } catch (InstantiationException e) {
            throw failure("job class '" + className + "' cannot be instantiated: " + e, e);
        }
    }

    private Class<?> load(String className) {
        try {
            return Class.forName(className, true, classLoader);
        } catch (ClassNotFoundException e) {
            throw failure("job class '" + className + "' was not found in " + origin + suggestions(className), e);
        } catch (LinkageError e) {
            throw linkageFailure(className, origin, "loading it", e);
        }
    }

    /**
     * A class the job needs could not be linked while {@code during} ran: usually a dependency
     * that is neither in the jar nor on Weir's class path.
     */
    static UnrecoverableJobException linkageFailure(String className, String origin, String during, LinkageError e) {
        if (e instanceof ExceptionInInitializerError init) {
            Throwable thrown = init.getCause() != null ? init.getCause() : init;
            return failure("job class '" + className + "': a static initializer threw (in " + during + "): " + thrown, e);
        }
        if (e instanceof UnsupportedClassVersionError) {
            return failure("job class '" + className + "' (or a class it uses) was compiled for a newer Java than this"
                    + " worker's Java " + Runtime.version().feature() + ": " + e.getMessage(), e);
        }
        if (e instanceof NoClassDefFoundError && e.getMessage() != null
                && !e.getMessage().startsWith("Could not initialize class")) {
            String missing = e.getMessage().replace('/', '.');
            return failure("job class '" + className + "' needs class " + missing + " (in " + during + "), which is"
                    + " in neither " + origin + " nor Weir's class path: a missing dependency of " + className
                    + "; shade it into the job jar (with Weir itself as a provided dependency)", e);
        }
        return failure("job class '" + className + "' cannot be linked (in " + during + "): " + e, e);
    }

    /** " (it has com.other.MyJob)" when the jar has classes of the same simple name elsewhere. */
    private String suggestions(String className) {
        if (jar == null) {
            return "";
        }
        String simpleEntry = "/" + className.substring(className.lastIndexOf('.') + 1) + ".class";
        List<String> similar = new ArrayList<>();
        try (JarFile file = new JarFile(jar.file().toFile())) {
            file.stream().map(JarEntry::getName)
                    .filter(name -> name.endsWith(simpleEntry) || name.equals(simpleEntry.substring(1)))
                    .limit(5)
                    .forEach(name -> similar.add(name.substring(0, name.length() - ".class".length()).replace('/', '.')));
        } catch (IOException e) {
            return "";
        }
        return similar.isEmpty() ? "" : " (it has " + String.join(", ", similar) + ")";
    }

    private static UnrecoverableJobException failure(String message, Throwable cause) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS, message, cause);
    }
}
