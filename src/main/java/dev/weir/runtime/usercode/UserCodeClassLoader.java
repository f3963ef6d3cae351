package dev.weir.runtime.usercode;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one attempt's user code (the job jar): child-first, so the job's own
 * dependencies win over copies of the same library on Weir's class path (a user's Jackson or
 * Guava does not break Weir, nor Weir's theirs), except for the packages {@link ParentFirstPackages}
 * names, which always come from Weir's side because objects of those types cross between Weir and
 * the job. Resources follow the same rule: the jar's own first, except in parent-first packages.
 *
 * <p>Closing it releases the jar file; classes already loaded keep working.
 */
public final class UserCodeClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final ParentFirstPackages parentFirst;

    public UserCodeClassLoader(Path jar, ClassLoader parent, ParentFirstPackages parentFirst) {
        super("weir-user-code", new URL[] {url(jar)}, parent);
        this.parentFirst = parentFirst;
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a usable jar path: " + jar, e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (parentFirst.isParentFirstClass(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                try {
                    type = findClass(name);
                } catch (ClassNotFoundException notInTheJar) {
                    type = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }

    @Override
    public URL getResource(String name) {
        if (parentFirst.isParentFirstResource(name)) {
            return super.getResource(name);
        }
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>();
        if (parentFirst.isParentFirstResource(name)) {
            all.addAll(Collections.list(getParent().getResources(name)));
            all.addAll(Collections.list(findResources(name)));
        } else {
            all.addAll(Collections.list(findResources(name)));
            all.addAll(Collections.list(getParent().getResources(name)));
        }
        return Collections.enumeration(all);
    }
}
