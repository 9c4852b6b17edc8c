package io.jetway.dashboard;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * The dashboard is on when {@code jetway.dashboard.enabled} says so; unset, only when
 * Spring Security is on the class path to guard it.
 */
class OnDashboardEnabled extends SpringBootCondition {

	static final String SECURITY_CLASS = "org.springframework.security.web.csrf.CsrfToken";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String enabled = context.getEnvironment().getProperty("jetway.dashboard.enabled");
		if (enabled != null && !enabled.isBlank()) {
			boolean on = Boolean.parseBoolean(enabled.strip());
			return new ConditionOutcome(on, "jetway.dashboard.enabled is " + enabled);
		}
		if (ClassUtils.isPresent(SECURITY_CLASS, context.getClassLoader())) {
			return ConditionOutcome.match("Spring Security is on the class path and jetway.dashboard.enabled unset");
		}
		return ConditionOutcome.noMatch("Spring Security is not on the class path: the dashboard would be open to "
				+ "anyone; set jetway.dashboard.enabled=true to serve it anyway");
	}

}
