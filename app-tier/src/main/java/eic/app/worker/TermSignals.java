package eic.app.worker;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT as a request to the worker instead of the start of the JVM's
 * shutdown. A drain inside a shutdown hook runs beside every other hook, and ONNX
 * Runtime's Java binding releases its native environment in one
 * (microsoft/onnxruntime#10670, #31352): a batch still in inference then crashes the JVM
 * (SIGSEGV in libonnxruntime, seen when the local fleet drained busy workers), and what it
 * held waits out its visibility timeout. Handled here, the worker drains while the JVM is
 * whole and exits afterwards. {@code sun.misc.Signal} (module jdk.unsupported, meant for
 * this) is reached by reflection, so that the build stays free of its warning.
 */
final class TermSignals {
    private static final Logger log = LoggerFactory.getLogger(TermSignals.class);

    private TermSignals() {
    }

    /** Runs {@code action} on its own thread at each SIGTERM or SIGINT; false where the JDK offers no way. */
    static boolean handle(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(TermSignals.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "eic-term-handler";
                    });
            Method install = signal.getMethod("handle", signal, handlerType);
            for (String name : List.of("TERM", "INT")) {
                install.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot handle SIGTERM myself ({}); draining in a shutdown hook instead", e.toString());
            return false;
        }
    }
}
