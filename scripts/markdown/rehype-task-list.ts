/**
 * Replace GFM task-list checkboxes with ballot-box characters: form controls
 * mean nothing on paper and e-readers drop or mangle them.
 */
import type {Root} from 'hast'
import {visit} from 'unist-util-visit'

/** `<input type=checkbox checked>` → `☑`, unchecked → `☐`, with an accessible label. */
export default function rehypeTaskList() {
  return (tree: Root) => {
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'input' || node.properties.type !== 'checkbox' || !parent || index === undefined) return
      const done = Boolean(node.properties.checked)
      parent.children[index] = {
        type: 'element',
        tagName: 'span',
        properties: {className: ['task', done ? 'task-done' : 'task-open'], role: 'img', ariaLabel: done ? 'done' : 'to do'},
        children: [{type: 'text', value: done ? '☑' : '☐'}]
      }
    })
  }
}
