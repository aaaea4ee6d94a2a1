import { ConfigSource as KafkaJsConfigSource } from 'kafkajs';
import { configSourceFromId } from './topic-config';

describe('configSourceFromId', () => {
  it('names the protocol ids as Kafka does', () => {
    expect(configSourceFromId(KafkaJsConfigSource.TOPIC_CONFIG)).toBe('DYNAMIC_TOPIC_CONFIG');
    expect(configSourceFromId(KafkaJsConfigSource.DYNAMIC_BROKER_CONFIG)).toBe('DYNAMIC_BROKER_CONFIG');
    expect(configSourceFromId(KafkaJsConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)).toBe('DYNAMIC_DEFAULT_BROKER_CONFIG');
    expect(configSourceFromId(KafkaJsConfigSource.STATIC_BROKER_CONFIG)).toBe('STATIC_BROKER_CONFIG');
    expect(configSourceFromId(KafkaJsConfigSource.DEFAULT_CONFIG)).toBe('DEFAULT_CONFIG');
  });

  it('calls everything else UNKNOWN', () => {
    expect(configSourceFromId(0)).toBe('UNKNOWN');
    expect(configSourceFromId(KafkaJsConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG)).toBe('UNKNOWN');
    expect(configSourceFromId(8)).toBe('UNKNOWN');
  });
});
