"""The bulletin's parts, one module each, in reading order: overview (一、总体情况), progress
(二、主要进展), problems (三、存在问题), districts (四、区县情况), next_steps (五、下一步工作要求),
attachments (附件1–3); numbering gives charts and tables their numbers."""
