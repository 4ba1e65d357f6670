import type { Client, NodeInfo, TaskInfo } from '../coordinator/client.js';
import { TaskNotFoundError } from '../coordinator/errors.js';
import { messageRecord } from '../statemachine/message.js';
import { serializeTaskState } from '../statemachine/task-state.js';
import type { CtlAction } from './ctl-args.js';
import { formatTable } from './format-table.js';
import { formatStoredState } from './state-text.js';

export { TaskNotFoundError };

/** Maximum length of the props text in the tasks table; `--json` shows all of it. */
export const MAX_PROPS_CELL_CHARS = 60;

/** Runs one `metafora ctl` action through `client`, writing what it prints to `write`. */
export async function runCtlAction(
  action: CtlAction,
  client: Client,
  write: (text: string) => void,
): Promise<void> {
  switch (action.action) {
    case 'submit':
      await client.submit(action.id, action.props);
      write(`submitted ${action.id}\n`);
      return;
    case 'delete':
      if (!(await client.delete(action.id))) throw new TaskNotFoundError(action.id);
      write(`deleted ${action.id}\n`);
      return;
    case 'tasks':
      write(formatTasks(await client.tasks(), action.json));
      return;
    case 'nodes':
      write(formatNodes(await client.nodes(), action.json));
      return;
    case 'node-command': {
      const id = await client.sendNodeCommand(action.node, action.command);
      write(`sent ${action.command.command} to ${action.node} as command ${id}\n`);
      return;
    }
    case 'task-command':
      await client.sendTaskCommand(action.id, messageRecord(action.message));
      write(`sent ${action.message.type} to task ${action.id}\n`);
      return;
    case 'state':
      write(formatStoredState(action.id, await client.readState(action.id), action.json));
      return;
    case 'set-state':
      await client.overwriteState(action.id, serializeTaskState(action.state));
      write(`set the state of ${action.id} to ${action.state.name}\n`);
      return;
  }
}

/** Formats tasks as JSON `[{ id, owner, props, state }]` or as a table. */
export function formatTasks(tasks: TaskInfo[], json: boolean): string {
  if (json) {
    const rows = tasks.map(({ id, owner, props, state }) => ({ id, owner, props, state }));
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  const rows = tasks.map((task) => [task.id, task.owner ?? '-', task.state ?? '-', propsCell(task.props)]);
  return formatTable(['ID', 'OWNER', 'STATE', 'PROPS'], rows);
}

/** Formats nodes as JSON `[{ node, host, started, tasks }]` or as a table. */
export function formatNodes(nodes: NodeInfo[], json: boolean): string {
  if (json) {
    const rows = nodes.map(({ node, host, started, tasks }) => ({ node, host, started, tasks }));
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  const rows = nodes.map((node) => [
    node.node,
    node.host,
    node.started,
    String(node.tasks),
    node.stopping ? 'stopping' : node.frozen ? 'frozen' : 'running',
  ]);
  return formatTable(['NODE', 'HOST', 'STARTED', 'TASKS', 'STATE'], rows);
}

function propsCell(props: unknown): string {
  if (props === null) return '-';
  const text = JSON.stringify(props);
  return text.length > MAX_PROPS_CELL_CHARS ? `${text.slice(0, MAX_PROPS_CELL_CHARS - 3)}...` : text;
}
