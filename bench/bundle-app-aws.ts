/**
 * The anchor (bench/bundle-size.ts): AWS SDK for JavaScript v3, one client and one command, with
 * static credentials, bundled the same way as our apps.
 */
import { DynamoDBClient, GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
try {
  const item = await client.send(new GetItemCommand({ TableName: 'volumes', Key: { id: { S: 'vol-1' } } }));
  console.log(item.Item);
} catch (error) {
  console.log(error instanceof ResourceNotFoundException ? 'no such table' : error);
}
