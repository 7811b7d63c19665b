//! The heading outline of a plan: each heading opens a section holding its blocks and the
//! sections of lower headings.

use crate::planfile::blocks::{Block, Line};

pub(crate) struct Section<'b> {
    pub heading: Option<&'b Line>,
    pub blocks: Vec<&'b Block>,
    pub children: Vec<Section<'b>>,
}

pub(crate) fn outline(blocks: &[Block]) -> Section<'_> {
    // Each heading opens a section inside the nearest one of a higher level.
    let mut stack: Vec<(u8, Section<'_>)> = vec![(
        0,
        Section {
            heading: None,
            blocks: Vec::new(),
            children: Vec::new(),
        },
    )];
    for block in blocks {
        if let Block::Heading { level, text } = block {
            while stack.last().is_some_and(|(l, _)| *l >= *level) {
                let (_, done) = stack.pop().expect("root stays");
                stack.last_mut().expect("root stays").1.children.push(done);
            }
            stack.push((
                *level,
                Section {
                    heading: Some(text),
                    blocks: Vec::new(),
                    children: Vec::new(),
                },
            ));
        } else {
            stack.last_mut().expect("root stays").1.blocks.push(block);
        }
    }
    while stack.len() > 1 {
        let (_, done) = stack.pop().expect("checked");
        stack.last_mut().expect("root stays").1.children.push(done);
    }
    stack.pop().expect("root stays").1
}
