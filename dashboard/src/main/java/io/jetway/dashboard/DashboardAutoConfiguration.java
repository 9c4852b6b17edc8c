package io.jetway.dashboard;

import io.jetway.actuate.JetwayActions;
import io.jetway.actuate.JetwayOperationsAutoConfiguration;
import io.jetway.actuate.JetwayOverview;
import io.jetway.consumer.DeadLetters;
import io.jetway.jobs.JobClient;
import io.jetway.outbox.OutboxOperations;
import io.nats.client.Connection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The Jetway dashboard, served by the application's Spring MVC under
 * {@code jetway.dashboard.path} (default {@code /jetway}). With Spring Security on the
 * class path it is on unless {@code jetway.dashboard.enabled=false}, and needs an
 * authenticated user with the read role ({@code jetway.dashboard.read-role}) or the
 * operator role ({@code jetway.dashboard.operator-role}, needed to act). Without Spring
 * Security it is off unless {@code jetway.dashboard.enabled=true}.
 */
@AutoConfiguration(after = JetwayOperationsAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, Connection.class })
@ConditionalOnBean({ JetwayOverview.class, JetwayActions.class, Connection.class })
@Conditional(OnDashboardEnabled.class)
@EnableConfigurationProperties(DashboardProperties.class)
public class DashboardAutoConfiguration {

	private static final Log logger = LogFactory.getLog(DashboardAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	DashboardController jetwayDashboardController(DashboardProperties properties, DashboardAccess access,
			JetwayOverview overview, JetwayActions actions, Connection connection, ObjectProvider<JobClient> jobs,
			ObjectProvider<DeadLetters> deadLetters, ObjectProvider<OutboxOperations> outbox) {
		properties.validate();
		return new DashboardController(properties, access, overview, actions, connection, jobs.getIfAvailable(),
				deadLetters.getIfAvailable(), outbox.getIfAvailable());
	}

	@Bean
	WebMvcConfigurer jetwayDashboardWebMvcConfigurer(DashboardProperties properties, DashboardAccess access) {
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(new DashboardInterceptor(access))
					.addPathPatterns(properties.getPath(), properties.getPath() + "/**");
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = OnDashboardEnabled.SECURITY_CLASS)
	static class SecuredAccessConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DashboardAccess jetwayDashboardAccess(DashboardProperties properties) {
			return new SecuredAccess(properties);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass(OnDashboardEnabled.SECURITY_CLASS)
	static class OpenAccessConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DashboardAccess jetwayDashboardAccess(DashboardProperties properties) {
			logger.warn("The Jetway dashboard is served at " + properties.getPath()
					+ " WITHOUT authentication (jetway.dashboard.enabled=true and no Spring Security on the class "
					+ "path): anyone who reaches the application can see jobs and messages and act on them. Add "
					+ "spring-boot-starter-security, or restrict the path in front of the application.");
			return new OpenAccess();
		}

	}

}
