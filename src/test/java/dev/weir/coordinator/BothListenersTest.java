package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class BothListenersTest {

    /**
     * Every callback of a job run reaches both listeners, including those added to the interfaces
     * later: a default method BothListeners does not override would reach neither (the progress
     * line lost "checkpoint storage unavailable" that way).
     */
    @Test
    void forwardsEveryCallbackToBothListeners() throws Exception {
        Set<String> first = new TreeSet<>();
        Set<String> second = new TreeSet<>();
        BothListeners both = new BothListeners(recording(first), recording(second));
        Set<String> expected = new TreeSet<>();
        for (Method method : JobMasterListener.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            expected.add(method.getName() + method.getParameterCount());
            method.invoke(both, arguments(method));
        }
        assertThat(expected).isNotEmpty();
        assertThat(first).isEqualTo(expected);
        assertThat(second).isEqualTo(expected);
    }

    private static JobMasterListener recording(Set<String> calls) {
        return (JobMasterListener) Proxy.newProxyInstance(JobMasterListener.class.getClassLoader(),
                new Class<?>[] {JobMasterListener.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + method.getParameterCount());
                    return null;
                });
    }

    private static Object[] arguments(Method method) {
        List<Object> args = new ArrayList<>();
        for (Class<?> type : method.getParameterTypes()) {
            if (type == long.class) {
                args.add(0L);
            } else if (type == int.class) {
                args.add(0);
            } else if (type == boolean.class) {
                args.add(false);
            } else {
                args.add(null);
            }
        }
        return args.toArray();
    }
}
