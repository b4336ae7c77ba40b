// A graphql-ws server (the graphql-transport-ws subprotocol) with one query and one subscription.
// Listens on 127.0.0.1:$PORT (default 4000) at /graphql. Gate it at ws://127.0.0.1:0/graphql with protocol: auto
// (or subprotocols: graphql-transport-ws); without the subprotocol it closes with 4406 "Subprotocol not acceptable".
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { hello: { type: GraphQLString, resolve: () => 'world' } },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      greetings: {
        type: GraphQLString,
        subscribe: async function* greetings() {
          for (const hi of ['Hi', 'Bonjour', 'Hola']) yield { greetings: hi };
        },
      },
    },
  }),
});

const wss = new WebSocketServer({ port, host, path: '/graphql' });
const cleanup = useServer({ schema }, wss);
wss.on('listening', () => console.log(`graphql-ws server listening on ws://${host}:${port}/graphql`));

async function shutdown() {
  await cleanup.dispose();
  wss.close(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
