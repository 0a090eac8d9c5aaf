package io.imcloud.testsupport;

import io.imcloud.sql.DatabaseType;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

import java.util.List;
import java.util.stream.Stream;

/** Backs {@link AllDatabases}: one invocation per available database, each with its own schema. */
public final class DatabaseExtension implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getRequiredTestMethod().isAnnotationPresent(AllDatabases.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return TestDatabase.available().stream().map(DatabaseExtension::invocation);
    }

    private static TestTemplateInvocationContext invocation(DatabaseType type) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int index) {
                return type.scriptName();
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new ParameterResolver() {
                    @Override
                    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
                        return p.getParameter().getType() == TestDatabase.class;
                    }

                    @Override
                    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
                        TestDatabase db = TestDatabase.create(type);
                        // JUnit closes AutoCloseable store values when the invocation ends: the schema is dropped
                        e.getStore(ExtensionContext.Namespace.create(DatabaseExtension.class, type)).put("db", db);
                        return db;
                    }
                });
            }
        };
    }
}
