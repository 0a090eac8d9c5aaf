package io.imcloud.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/** Connections that let a test look at, or refuse, each call before the real connection runs it. */
public final class ConnectionProxies {

    /** Sees a call before it runs; throws to refuse it. */
    public interface BeforeCall {
        void before(Method method, Object[] args) throws Exception;
    }

    private ConnectionProxies() {
    }

    /** {@code con}, with {@code before} told of each call first. */
    public static Connection around(Connection con, BeforeCall before) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    before.before(method, args);
                    try {
                        return method.invoke(con, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
