package eic.web.system;

import eic.common.aws.AwsClients;
import eic.common.aws.AwsSettings;
import eic.common.aws.StackNames;
import eic.common.config.Env;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** One client per service, from the project's one factory (same settings names as the workers). */
@Configuration(proxyBeanMethods = false)
class AwsConfiguration {

    @Bean(destroyMethod = "close")
    AwsClients awsClients() {
        return new AwsClients(AwsSettings.from(Env.system()));
    }

    @Bean
    S3Client s3(AwsClients clients) {
        return clients.s3();
    }

    @Bean
    SqsClient sqs(AwsClients clients) {
        return clients.sqs();
    }

    @Bean
    StackNames stackNames() {
        return StackNames.from(Env.system());
    }
}
