package dev.weir.runtime.dataflow;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.dataflow.functions.FilterFunction;
import dev.weir.runtime.dataflow.functions.FlatMapFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.MapFunction;

/**
 * The record types a node's function declares, where its class spells them out (a named or
 * anonymous class: {@code new KeyedProcessFunction<Long, Reading, String>() {...}}). Lambdas and
 * method references erase them: then the type is unknown (null).
 */
final class FunctionTypes {

    private FunctionTypes() {}

    /** The type of the records {@code node} emits, or null when its function does not say. */
    static Class<?> output(StreamNode node) {
        StreamNode.Kind kind = node.kind();
        if (kind instanceof StreamNode.MapKind k) {
            return typeArgument(k.function(), MapFunction.class, 1);
        }
        if (kind instanceof StreamNode.FlatMapKind k) {
            return typeArgument(k.function(), FlatMapFunction.class, 1);
        }
        if (kind instanceof StreamNode.KeyedProcessKind k) {
            return typeArgument(k.function(), KeyedProcessFunction.class, 2);
        }
        if (kind instanceof StreamNode.SourceKind k) {
            return typeArgument(k.source(), Source.class, 0);
        }
        if (kind instanceof StreamNode.FilterKind && node.input() != null) {
            return output(node.input());
        }
        return null;
    }

    /** The type of the records {@code node} takes in, or null when its function does not say. */
    static Class<?> input(StreamNode node) {
        StreamNode.Kind kind = node.kind();
        if (kind instanceof StreamNode.MapKind k) {
            return typeArgument(k.function(), MapFunction.class, 0);
        }
        if (kind instanceof StreamNode.FlatMapKind k) {
            return typeArgument(k.function(), FlatMapFunction.class, 0);
        }
        if (kind instanceof StreamNode.FilterKind k) {
            return typeArgument(k.function(), FilterFunction.class, 0);
        }
        if (kind instanceof StreamNode.KeyedProcessKind k) {
            return typeArgument(k.function(), KeyedProcessFunction.class, 1);
        }
        if (kind instanceof StreamNode.SinkKind k) {
            return typeArgument(k.sink(), Sink.class, 0);
        }
        return null;
    }

    /** The {@code index}th type argument {@code function}'s class (or a superclass) gives {@code generic}. */
    private static Class<?> typeArgument(Object function, Class<?> generic, int index) {
        for (Class<?> c = function.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            List<Type> supertypes = new ArrayList<>(List.of(c.getGenericInterfaces()));
            supertypes.add(c.getGenericSuperclass());
            for (Type supertype : supertypes) {
                if (supertype instanceof ParameterizedType p && p.getRawType() == generic) {
                    Type argument = p.getActualTypeArguments()[index];
                    if (argument instanceof Class<?> type) {
                        return type;
                    }
                    return argument instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw ? raw : null;
                }
            }
        }
        return null;
    }
}
