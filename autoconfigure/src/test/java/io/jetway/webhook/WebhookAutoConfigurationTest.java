package io.jetway.webhook;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WebhookAutoConfiguration}: works without NATS, binds its properties, backs off
 * for the application's beans, and warns when the SSRF overrides are on.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebhookAutoConfiguration.class));

	@Test
	void providesWebhookBeansWithoutANatsConnection(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(UrlGuard.class);
			assertThat(context).hasSingleBean(WebhookSender.class);
			assertThat(context).hasSingleBean(WebhookBackoff.class);
			assertThat(context).hasSingleBean(HostResolver.class);
			assertThat(context).doesNotHaveBean("natsConnection");
			UrlGuard guard = context.getBean(UrlGuard.class);
			assertThat(guard.isAllowPrivateNetworks()).isFalse();
			assertThat(guard.getAllowedHosts()).isEmpty();
		});
		assertThat(output).doesNotContain("allow-private-networks").doesNotContain("allowed-hosts");
	}

	@Test
	void bindsProperties() {
		this.runner
			.withPropertyValues("jetway.jobs.webhooks.signing-secret=s3cret", "jetway.jobs.webhooks.connect-timeout=2s",
					"jetway.jobs.webhooks.read-timeout=3s", "jetway.jobs.webhooks.max-response-size=2KB",
					"jetway.jobs.webhooks.max-attempts=4", "jetway.jobs.webhooks.backoff.initial=1s",
					"jetway.jobs.webhooks.backoff.multiplier=3", "jetway.jobs.webhooks.backoff.max=1m")
			.run((context) -> {
				JetwayWebhookProperties properties = context.getBean(JetwayWebhookProperties.class);
				assertThat(properties.getSigningSecret()).isEqualTo("s3cret");
				assertThat(properties.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getReadTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getMaxResponseSize()).isEqualTo(DataSize.ofKilobytes(2));
				WebhookBackoff backoff = context.getBean(WebhookBackoff.class);
				assertThat(backoff.getMaxAttempts()).isEqualTo(4);
				assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
				assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(3));
				assertThat(backoff.delayAfter(5)).isEqualTo(Duration.ofMinutes(1));
			});
	}

	@Test
	void warnsWhenPrivateNetworksAreAllowed(CapturedOutput output) {
		this.runner.withPropertyValues("jetway.jobs.webhooks.allow-private-networks=true").run((context) -> {
			assertThat(context.getBean(UrlGuard.class).isAllowPrivateNetworks()).isTrue();
		});
		assertThat(output).contains("WARN").contains("jetway.jobs.webhooks.allow-private-networks is on");
	}

	@Test
	void warnsWhenAllowedHostsAreSet(CapturedOutput output) {
		this.runner.withPropertyValues("jetway.jobs.webhooks.allowed-hosts=localhost,receiver.test").run((context) -> {
			assertThat(context.getBean(UrlGuard.class).getAllowedHosts()).containsExactlyInAnyOrder("localhost",
					"receiver.test");
		});
		assertThat(output).contains("WARN").contains("jetway.jobs.webhooks.allowed-hosts");
	}

	@Test
	void backsOffForTheApplicationsBeans() {
		this.runner.withUserConfiguration(CustomBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(WebhookSender.class);
			assertThat(context.getBean(WebhookSender.class)).isSameAs(context.getBean("customSender"));
			assertThat(context.getBean(HostResolver.class)).isSameAs(context.getBean("customResolver"));
			UrlGuard guard = context.getBean(UrlGuard.class);
			assertThat(guard.validate("https://hooks.example.com/").address().getHostAddress())
				.isEqualTo("93.184.216.34");
		});
	}

	@Test
	void turnsOffWithJetway() {
		this.runner.withPropertyValues("jetway.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WebhookSender.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomBeans {

		@Bean
		HostResolver customResolver() {
			return new FakeHostResolver().map("hooks.example.com", "93.184.216.34");
		}

		@Bean
		WebhookSender customSender() {
			return new WebhookSender() {

				@Override
				public ValidatedWebhookTarget validate(String url) {
					throw new UnsupportedOperationException();
				}

				@Override
				public WebhookDeliveryResult send(String url, byte[] body, String deliveryId) {
					return WebhookDeliveryResult.delivered(200);
				}

			};
		}

	}

}
